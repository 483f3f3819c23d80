"""The do-nothing SQS server under its first name: it is bench/null_sqs.py now.

Kept so that ``python bench/null_server.py --port P [--host H]`` goes on working.
"""

from __future__ import annotations

from null_sqs import main

if __name__ == "__main__":
    main()
