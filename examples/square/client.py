# Calls the remote function like a local one; the SDK routes it to a ready worker.
import asyncio

from deploy import square


async def main():
    result = await square(5)
    print(result)  # 25


asyncio.run(main())
