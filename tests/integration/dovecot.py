"""A real Dovecot IMAP server on loopback, for the polling tests: Debian's ``dovecot-imapd``
(``.ci/run`` installs it), started from a throwaway directory with its own configuration.

It listens on 127.0.0.1 only, on free ports: plain IMAP (with STARTTLS offered) and IMAPS, with
a self-signed certificate for 127.0.0.1 made here. Accounts and their ``{PLAIN}`` passwords are in a
passwd-file, all made before it starts; each test takes fresh ones (``add_user``). Failed logins
are answered at once (no failure delay, no anvil penalty), so the wrong-password tests are quick.
Mail is kept in Maildir folders under the directory. Run as root (a container, CI), the login
and internal processes run as Debian's ``dovenull`` and ``dovecot`` users and the mail as
``nobody``; run as anyone else, everything runs as that user (a rootless Dovecot).
"""

import datetime
import grp
import imaplib
import ipaddress
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from imap_tools.utils import encode_folder  # quoted, modified UTF-7

DOVECOT = Path("/usr/sbin/dovecot")
START_SECONDS = 20
ACCOUNTS = 80  # made at start, one or a few per test


def version() -> tuple[int, int]:
    """Dovecot's version as (major, minor): ``dovecot --version`` says "2.3.19.1 (9b53102964)"."""
    out = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, check=True)
    major, minor = re.match(r"(\d+)\.(\d+)", out.stdout.strip()).groups()
    return int(major), int(minor)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Accounts:
    """Who the processes run as."""

    internal: str
    internal_group: str
    login: str
    mail_uid: int
    mail_gid: int

    @classmethod
    def for_this_process(cls) -> "Accounts":
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            return cls("dovecot", "dovecot", "dovenull", nobody.pw_uid, nobody.pw_gid)
        me = pwd.getpwuid(os.geteuid())
        group = grp.getgrgid(me.pw_gid).gr_name
        return cls(me.pw_name, group, me.pw_name, me.pw_uid, me.pw_gid)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, signed by itself (its own CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "AtlasOS test IMAP server")])
    today = datetime.datetime.now(datetime.UTC)  # the certificate's, not the suite's clock
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(today - datetime.timedelta(days=1))
        .not_valid_after(today + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def configuration(root: Path, port: int, tls_port: int, accounts: Accounts) -> str:
    """dovecot.conf for this directory, in the syntax of the installed version."""
    cert, key = root / "server.crt", root / "server.key"
    users = root / "users"
    common = f"""
base_dir = {root}/run
state_dir = {root}/state
protocols = imap
listen = 127.0.0.1
log_path = {root}/dovecot.log
default_internal_user = {accounts.internal}
default_internal_group = {accounts.internal_group}
default_login_user = {accounts.login}
first_valid_uid = 1
first_valid_gid = 1
auth_mechanisms = plain login
auth_failure_delay = 0
ssl = yes
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
    if version() >= (2, 4):
        # Dovecot 2.4's names (doc.dovecot.org/2.4.0, "upgrading from 2.3"): the version comes
        # first, then named filters. Written from its documentation: the suite has run 2.3.
        return f"""dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
{common}
ssl_server_cert_file = {cert}
ssl_server_key_file = {key}
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = {root}/mail/%{{user}}
passdb passwd-file {{
  passwd_file_path = {users}
}}
userdb passwd-file {{
  passwd_file_path = {users}
}}
"""
    return f"""{common}
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {users}
}}
"""


class Dovecot:
    """A running Dovecot; ``stop()`` ends it and removes its directory."""

    host = "127.0.0.1"

    def __init__(self):
        self.accounts = Accounts.for_this_process()
        self.root = Path(tempfile.mkdtemp(prefix="atlasos-dovecot-"))
        self.root.chmod(0o755)  # its unprivileged processes read the users file below
        for name in ("run", "state", "mail"):
            (self.root / name).mkdir()
        if os.geteuid() == 0:
            os.chown(self.root / "mail", self.accounts.mail_uid, self.accounts.mail_gid)
        self.users_file = self.root / "users"
        self._write_users()
        self.cert, _key = self_signed_certificate(self.root)
        self.port, self.tls_port = free_port(), free_port()
        self.config = self.root / "dovecot.conf"
        self.config.write_text(configuration(self.root, self.port, self.tls_port, self.accounts))
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "stderr.log").open("wb"),
            start_new_session=True,
        )
        try:
            self._wait_for(self.port, greeting=True)
            self._wait_for(self.tls_port, greeting=False)  # TLS first: no greeting in clear
        except BaseException:
            self.stop()
            raise

    def _wait_for(self, port: int, *, greeting: bool) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot stopped at start:\n{self.log()}")
            try:
                with socket.create_connection((self.host, port), timeout=1) as connection:
                    if not greeting or connection.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"Dovecot did not listen on {port} in {START_SECONDS} s:\n{self.log()}")

    def log(self) -> str:
        parts = []
        for name in ("stderr.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                parts.append(path.read_text(errors="replace")[-4000:])
        return "\n".join(parts)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)

    # --- accounts and their mail -----------------------------------------------------------

    def add_user(self) -> tuple[str, str]:
        """A fresh account of its own: (user, password)."""
        if not self._unused:
            raise RuntimeError(f"all {ACCOUNTS} accounts made at start are taken")
        return self._unused.pop(0)

    def _write_users(self) -> None:
        # Dovecot looks at the passwd-file at most once a second, so an account added while it
        # runs may not log in at once: every account is made before it starts.
        uid, gid = self.accounts.mail_uid, self.accounts.mail_gid
        self._unused = [
            (f"office-{n:03d}-{uuid.uuid4().hex[:6]}", f"pw-{uuid.uuid4().hex[:12]}")
            for n in range(ACCOUNTS)
        ]
        self.utf8_account = (f"office-utf8-{uuid.uuid4().hex[:6]}", "pässwörd-über")
        lines = [
            f"{user}:{{PLAIN}}{password}:{uid}:{gid}::{self.root / 'mail' / user}::\n"
            for user, password in [*self._unused, self.utf8_account]
        ]
        self.users_file.write_text("".join(lines), encoding="utf-8")
        self.users_file.chmod(0o644)

    def connect(self, user: str, password: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        if password.isascii():
            client.login(user, password)
        else:
            client.authenticate("PLAIN", lambda _: f"\0{user}\0{password}".encode())
        return client

    def append(
        self, user: str, password: str, raw: bytes, folder: str = "INBOX", flags: str = ""
    ) -> None:
        """Deliver ``raw`` into the account's folder over IMAP APPEND, as an MTA would (with
        ``flags`` such as ``\\Deleted``, as a mail client would leave it)."""
        client = self.connect(user, password)
        try:
            if folder != "INBOX":
                client.create(encode_folder(folder))  # NO when it exists: fine
            typ, data = client.append(
                encode_folder(folder), f"({flags})" if flags else None, None, raw
            )
            assert typ == "OK", data
        finally:
            client.logout()

    def messages(self, user: str, password: str, folder: str = "INBOX") -> list[dict]:
        """Each message of the folder: its flags and bytes (read without marking it seen)."""
        client = self.connect(user, password)
        try:
            typ, _ = client.select(encode_folder(folder), readonly=True)
            if typ != "OK":
                return []
            typ, data = client.uid("SEARCH", None, "ALL")
            found = []
            for uid in data[0].split():
                typ, parts = client.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                raw = next(item[1] for item in parts if isinstance(item, tuple))
                text = b" ".join(p[0] if isinstance(p, tuple) else p for p in parts if p)
                flags = re.search(rb"FLAGS \(([^)]*)\)", text)
                found.append(
                    {
                        "uid": uid.decode(),
                        "flags": set((flags.group(1) if flags else b"").decode().split()),
                        "raw": raw,
                    }
                )
            return found
        finally:
            client.logout()
