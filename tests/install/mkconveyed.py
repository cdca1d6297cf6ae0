#!/usr/bin/env python3
"""mkconveyed.py: conveyed-information JSON (onboarding-information) for tests.

  mkconveyed.py [--uri URI]... [--sha256 HEX] [--os-name N] [--os-version V]
                [--handling merge|replace] [--pre FILE] [--config FILE]
                [--post FILE] [--no-boot-image]
Prints the JSON document (RFC 8572 ietf-sztp-conveyed-info, RFC 7951 JSON).
"""
import argparse, base64, json

ap = argparse.ArgumentParser()
ap.add_argument("--uri", action="append", default=[])
ap.add_argument("--sha256")
ap.add_argument("--os-name")
ap.add_argument("--os-version")
ap.add_argument("--handling")
ap.add_argument("--pre")
ap.add_argument("--config")
ap.add_argument("--post")
ap.add_argument("--no-boot-image", action="store_true")
a = ap.parse_args()
ob = {}
if not a.no_boot_image:
    bi = {}
    if a.os_name:
        bi["os-name"] = a.os_name
    if a.os_version:
        bi["os-version"] = a.os_version
    if a.uri:
        bi["download-uri"] = a.uri
    if a.sha256:
        h = a.sha256.strip().lower()
        bi["image-verification"] = [{
            "hash-algorithm": "ietf-sztp-conveyed-info:sha-256",
            "hash-value": ":".join(h[i:i + 2] for i in range(0, len(h), 2))}]
    ob["boot-image"] = bi
if a.handling:
    ob["configuration-handling"] = a.handling


def b64(path):
    return base64.b64encode(open(path, "rb").read()).decode()


if a.pre:
    ob["pre-configuration-script"] = b64(a.pre)
if a.config:
    ob["configuration"] = b64(a.config)
if a.post:
    ob["post-configuration-script"] = b64(a.post)
print(json.dumps({"ietf-sztp-conveyed-info:onboarding-information": ob}, indent=1))
