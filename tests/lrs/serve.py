"""Start Ralph's LRS (`ralph.api:app`) with its file-system backend, for the xAPI tests:
`serve.py HOST PORT`, configured by Ralph's own RALPH_* environment variables.

Ralph's file-system backend creates its statements file on the first write and, by default,
refuses to write to it again; here it appends, as a store that receives statements one at a
time must."""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host=sys.argv[1], port=int(sys.argv[2]), log_level="info")
