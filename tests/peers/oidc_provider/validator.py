import base64
import json
import time
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.peers.oidc_provider.models_store import person


class PeerValidator(OAuth2Validator):
    # Every claim a person has is released (the test decides what they carry).
    oidc_claim_scope = None

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return dict(person(request.user.username).get("claims", {}))

    def get_id_token_dictionary(self, token: Any, token_handler: Any, request: Any) -> Any:
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        mode = person(request.user.username).get("mode", "")
        if mode == "wrong_audience":
            claims["aud"] = "somebody-else"
        elif mode == "expired":
            claims["iat"] = int(time.time()) - 7200
            claims["exp"] = int(time.time()) - 3600
        return claims, expiration_time

    def finalize_id_token(self, id_token: Any, token: Any, token_handler: Any, request: Any) -> str:
        serialized = super().finalize_id_token(id_token, token, token_handler, request)
        if person(request.user.username).get("mode") != "tampered":
            return serialized
        # Change the payload after signing: the signature no longer matches.
        header, payload, signature = serialized.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["email"] = "mallory@evil.example"
        claims["sub"] = "mallory"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{header}.{forged}.{signature}"
