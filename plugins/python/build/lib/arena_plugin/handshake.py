"""go-plugin's side of the start-up: the magic cookie, automatic mutual TLS,
the listener and the handshake line (see PLUGINS.md, "The protocol")."""

from __future__ import annotations

import base64
import datetime
import os
import sys
import tempfile

MAGIC_COOKIE_KEY = "ARENA_PLUGIN"
MAGIC_COOKIE_VALUE = "b3f1c4e2-arena-distillation-plugin-7a9d"
# CORE_PROTOCOL is go-plugin's own protocol version; PROTOCOL_MAJOR is
# arena.v1's, negotiated through PLUGIN_PROTOCOL_VERSIONS.
CORE_PROTOCOL = 1
PROTOCOL_MAJOR = 1


class HandshakeError(Exception):
    """The process was not started the way arena starts plugins."""


def check_cookie(environ=os.environ) -> None:
    if environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        raise HandshakeError(
            "This program is an arena plugin: arena starts it (declare it in a match file's [[plugin]]).\n"
            "To run it by hand under a debugger, see PLUGINS.md, section 'Debugging'.")


def check_versions(environ=os.environ) -> None:
    offered = environ.get("PLUGIN_PROTOCOL_VERSIONS", str(PROTOCOL_MAJOR))
    versions = {v.strip() for v in offered.split(",") if v.strip()}
    if str(PROTOCOL_MAJOR) not in versions:
        raise HandshakeError(
            f"arena speaks plugin protocol versions {offered}; this SDK speaks {PROTOCOL_MAJOR}: update one of them")


def server_credentials(client_cert_pem: str):
    """gRPC server credentials for go-plugin's AutoMTLS, and the line's last
    field: a fresh self-signed certificate (ECDSA P-256, valid for
    "localhost", as the host dials), which the host gets base64 in the
    handshake, and the host's certificate from PLUGIN_CLIENT_CERT as the only
    root trusted for client certificates."""
    import grpc
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "arena plugin")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(seconds=30))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True, key_agreement=True,
                                         key_cert_sign=True, content_commitment=False, data_encipherment=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    creds = grpc.ssl_server_credentials([(key_pem, cert_pem)], root_certificates=client_cert_pem.encode(),
                                        require_client_auth=True)
    # go-plugin reads the DER certificate in unpadded standard base64.
    field = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode().rstrip("=")
    return creds, field


def listen(server, creds, environ=os.environ):
    """Adds the server's one port and returns (network, address, cleanup).

    On POSIX systems it is a Unix socket in a fresh private folder (in
    PLUGIN_UNIX_SOCKET_DIR when the host sets it): no port to find, and no
    way to share one. Elsewhere it is TCP on 127.0.0.1 in the host's range,
    with SO_REUSEPORT off: gRPC Python turns it on by default, and then two
    plugins started together can both bind the same port and receive each
    other's calls."""
    def add(address):
        try:
            return server.add_secure_port(address, creds) if creds else server.add_insecure_port(address)
        except RuntimeError:
            return 0

    if os.name == "posix" and environ.get("ARENA_PLUGIN_TCP") != "1":
        folder = tempfile.mkdtemp(prefix="arena-plugin-", dir=environ.get("PLUGIN_UNIX_SOCKET_DIR") or None)
        path = os.path.join(folder, "plugin.sock")
        if not add("unix:" + path):
            raise HandshakeError(f"cannot listen on the Unix socket {path}")

        def cleanup():
            for p in (path, folder):
                try:
                    (os.remove if p == path else os.rmdir)(p)
                except OSError:
                    pass
        return "unix", path, cleanup
    lo = int(environ.get("PLUGIN_MIN_PORT") or 10000)
    hi = int(environ.get("PLUGIN_MAX_PORT") or 25000)
    for port in range(lo, hi + 1):
        if add(f"127.0.0.1:{port}"):
            return "tcp", f"127.0.0.1:{port}", lambda: None
    raise HandshakeError(f"no free TCP port in {lo}-{hi}")


def handshake_line(network: str, address: str, cert_field: str) -> str:
    fields = [str(CORE_PROTOCOL), str(PROTOCOL_MAJOR), network, address, "grpc"]
    if cert_field:
        fields.append(cert_field)
    return "|".join(fields)


def announce(line: str) -> None:
    """Prints the handshake line, then points stdout at stderr, so that
    print() in plugin code (and C code writing to fd 1) ends up in the host's
    log instead of confusing go-plugin."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    try:
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.stdout = sys.stderr
