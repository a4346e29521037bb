#!/usr/bin/env python3
"""benchmarks/serve/sign_bodies.py: the signed bodies that post.lua sends (wrk's Lua cannot
compute an HMAC, so the signatures are computed here, once).

  sign_bodies.py SEED SECRET_FILE N OUT_DIR

Writes OUT_DIR/template.json (the seed on one line, its `id` replaced by @ID@ and its
`data.InteractionId` by @IID@) and OUT_DIR/signatures.txt, one line per event: `ID SIGNATURE`,
the lowercase hex HMAC-SHA256 (keyed with the secret file's content, one trailing newline
stripped, as `livesend serve` reads it) of the template with ID and "interaction-ID" put in.
"""
import hashlib
import hmac
import pathlib
import sys

SEED_ID = '"e40bbaab-f86e-e62b-d3c9-5104734edb18"'
SEED_IID = '"89214603-0be5-4f78-86e3-fba72bdef6c3"'


def main() -> None:
    seed, secret_file, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), pathlib.Path(sys.argv[4])
    text = pathlib.Path(seed).read_text(encoding="utf-8").replace("\n", "")
    assert text.count(SEED_ID) == 1 and SEED_IID in text, "not the seed event"
    template = text.replace(SEED_ID, '"@ID@"').replace(SEED_IID, '"@IID@"', 1)
    secret = pathlib.Path(secret_file).read_bytes()
    if secret.endswith(b"\n"):
        secret = secret[:-1]
        if secret.endswith(b"\r"):
            secret = secret[:-1]
    out.mkdir(parents=True, exist_ok=True)
    (out / "template.json").write_text(template, encoding="utf-8")
    with open(out / "signatures.txt", "w", encoding="ascii") as f:
        for i in range(n):
            event_id = f"bench-{i:08d}"
            body = template.replace("@ID@", event_id).replace("@IID@", "interaction-" + event_id)
            body = body.encode("utf-8")
            f.write(f"{event_id} {hmac.new(secret, body, hashlib.sha256).hexdigest()}\n")


if __name__ == "__main__":
    main()
