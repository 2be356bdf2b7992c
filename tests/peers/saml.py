"""A SAML 2.0 identity provider built on pysaml2, answering in the test's own process.

It reads the AuthnRequest our sign-in button sends, and builds responses that pysaml2 signs
with its own key through xmlsec1: properly, not at all, or altered after signing.
"""

import base64
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256
from saml2.xmldsig import SIG_RSA_SHA256 as RSA_SHA256

ENTITY_ID = "https://idp.cct.example/saml"
SSO_URL = "https://idp.cct.example/saml/sso"
MFA_CONTEXT = "https://refeds.org/profile/mfa"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def write_key_and_certificate(directory: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.cct.example")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / "idp.key", directory / "idp.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@dataclass
class SamlIdp:
    key_path: Path
    cert_path: Path

    def _config(self, sp_metadata: str = "") -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": ENTITY_ID,
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(SSO_URL, BINDING_HTTP_REDIRECT)]},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "policy": {"default": {"name_form": NAME_FORMAT_URI}},
                        "want_authn_requests_signed": False,
                    }
                },
                "key_file": str(self.key_path),
                "cert_file": str(self.cert_path),
                "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
                "xmlsec_binary": "/usr/bin/xmlsec1",
            }
        )
        return config

    def metadata(self) -> str:
        return create_metadata_string(None, config=self._config(), sign=False).decode()

    def respond(
        self,
        redirect_url: str,
        sp_metadata: str,
        *,
        email: str,
        subject: str,
        attributes: dict[str, list[str]] | None = None,
        context: str = PASSWORD_CONTEXT,
        signed: bool = True,
        audience: str | None = None,
        tamper: bool = False,
    ) -> dict[str, Any]:
        """The form fields (SAMLResponse, RelayState) the browser would POST to the ACS."""
        server = Server(config=self._config(sp_metadata))
        query = parse_qs(urlparse(redirect_url).query)
        request = server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        message = request.message
        response = server.create_authn_response(
            identity={"mail": [email], **(attributes or {})},
            in_response_to=message.id,
            destination=message.assertion_consumer_service_url,
            sp_entity_id=audience or message.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
            authn={"class_ref": context, "authn_auth": ENTITY_ID},
            sign_assertion=signed,
            sign_response=False,
            sign_alg=RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        xml = str(response)
        if tamper:
            xml = xml.replace(email, "mallory@cct.example")
        fields = {"SAMLResponse": base64.b64encode(xml.encode()).decode()}
        if "RelayState" in query:
            fields["RelayState"] = query["RelayState"][0]
        return {"acs": urlparse(message.assertion_consumer_service_url).path, "data": fields}


__all__ = ["BINDING_HTTP_POST", "SamlIdp", "write_key_and_certificate"]
