// The engine's own address: its URL once it listens, and the ports this state folder's engine listened on before,
// so URLs that name an earlier run of this engine are still recognised as its own.
export class EngineAddress {
  private currentUrl = '';
  private currentPort = 0;
  /** Ports this state folder's engine listened on, this one included: URLs naming them name this engine. */
  private readonly ownPorts = new Set<number>();

  get url(): string {
    return this.currentUrl;
  }
  get port(): number {
    return this.currentPort;
  }

  /** The engine listens on `port`; `pastPorts` are those its state folder remembers (this one included). */
  listening(port: number, pastPorts: Iterable<number>): void {
    this.currentPort = port;
    this.currentUrl = `http://127.0.0.1:${port}`;
    for (const p of pastPorts) this.ownPorts.add(p);
  }

  /** A loopback URL on one of this engine's ports, present or past. */
  namesThisEngine(url: string): boolean {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(u.hostname) && this.ownPorts.has(Number(u.port)) && ['', '/'].includes(u.pathname) && !u.search;
  }

  /**
   * Env flags with REPORT_ADDR / VAST_API_URL values that name this engine (under any of its ports) written as its
   * current URL. Locally the engine gives workers its own URL in both anyway, so such a value is the engine's
   * address, not a setting: a restart on another port must not turn every deployment into a hard update.
   */
  withOwnUrl(env: string, { pastPortsOnly = false } = {}): string {
    return env.replace(/(-e\s+(?:REPORT_ADDR|VAST_API_URL)=)(\S+)/g, (whole, flag: string, url: string) => {
      if (!this.namesThisEngine(url) || (pastPortsOnly && new URL(url).port === String(this.currentPort))) return whole;
      return `${flag}${this.currentUrl}`;
    });
  }

  sameEngineEnv(stored: string, sent: string): boolean {
    return stored === sent || this.withOwnUrl(stored) === this.withOwnUrl(sent);
  }
}
