"""One module per remote service: the only code that knows URLs and JSON.

`settle` is how the modules run calls in parallel.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any


async def settle(*calls: Awaitable[Any]) -> list[Any]:
    """Run the calls in parallel; when one fails, let the others finish (no request is left
    running on a client about to close, no exception goes unretrieved) and raise the first
    failure in argument order."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return list(results)
