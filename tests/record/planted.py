"""Planted secrets: made-up values shaped like the real ones, so every scanner rule sees one."""

from __future__ import annotations

from typing import Final

HF_TOKEN: Final = "hf_PlantedTokenAbcdefghijklmnop123456"
JWT: Final = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoicGxhbnRlZCJ9.c2lnbmF0dXJlLXBsYW50ZWQ"
HF_CHAT: Final = "planted-hf-chat-cookie-value-0123456789"
TOKEN_COOKIE: Final = "planted-token-cookie-value-9876543210"
DEVICE_ID: Final = "314159265358979323"
UUID: Final = "0b0e3a9c-planted-4d1e-9f00-123456789abc"
SESSION: Final = "planted-new-session-cookie-5551234"

ALL: Final = (HF_TOKEN, JWT, HF_CHAT, TOKEN_COOKIE, DEVICE_ID, UUID, SESSION)
