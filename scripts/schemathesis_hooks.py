"""Schemathesis hooks for `npm run fuzz:schemathesis` (loaded through SCHEMATHESIS_HOOKS).

Signs the requests of the signed integration routes the way a real sender does, so the fuzzer gets past
the HMAC check and reaches their validation and handlers: `X-Orquesta-Timestamp` (Unix seconds) and
`X-Orquesta-Signature: sha256=<hex HMAC-SHA256 of timestamp + "." + raw body>`, keyed with
FUZZ_SIGNING_SECRET. The raw body is serialised exactly as Schemathesis sends JSON (`json.dumps`).
"""

import hashlib
import hmac
import json
import os
import time

import schemathesis
from schemathesis.core import NOT_SET

SIGNED_PATHS = {"/v1/integrations/events", "/v1/integrations/inbound-email"}


@schemathesis.hook
def before_call(context, case, kwargs):
    secret = os.environ.get("FUZZ_SIGNING_SECRET")
    if not secret or case.operation.path not in SIGNED_PATHS:
        return
    if case.body is NOT_SET:
        raw = b""
    elif case.media_type and "json" not in case.media_type:
        return  # not JSON: left unsigned, answered 401 or 415
    else:
        try:
            raw = json.dumps(case.body).encode("utf-8")
        except TypeError:
            return  # binary or otherwise not JSON: left unsigned, answered 401

    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    headers = dict(case.headers or {})
    headers["X-Orquesta-Timestamp"] = timestamp
    headers["X-Orquesta-Signature"] = f"sha256={digest}"
    case.headers = headers
