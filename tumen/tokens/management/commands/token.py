"""`tumen token create USERNAME --name NAME [--days N]`, `tumen token list USERNAME`,
`tumen token revoke USERNAME TOKEN_ID`, `tumen token prune`.

`create` prints the token alone on its last line, so that a script can take it with `tail -n 1`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tumen.org.models import Official
from tumen.tokens.retention import idempotency_prune
from tumen.tokens.services import token_create, token_revoke


def _official(username: str) -> Official:
    official = Official.objects.filter(username=username).first()
    if official is None:
        raise CommandError(f"No official is called {username!r}.")
    return official


def _refusal(exc: ValidationError) -> CommandError:
    return CommandError(" ".join(m for msgs in exc.message_dict.values() for m in msgs))


class Command(BaseCommand):
    help = "Create, list and revoke officials' personal API tokens; prune stored retry answers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token; it is shown once.")
        create.add_argument("username")
        create.add_argument("--name", required=True)
        create.add_argument("--days", type=int, default=90)
        listing = sub.add_parser("list", help="An official's tokens (never the secrets).")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("username")
        revoke.add_argument("token_id", type=int)
        sub.add_parser(
            "prune",
            help="Delete stored Idempotency-Key answers older than their retention "
            "(`tumen worker` does this every hour).",
        )

    def handle(self, *args, action: str, username: str | None = None, **options):
        if action == "prune":
            deleted = idempotency_prune()
            self.stdout.write(f"Deleted {deleted} stored answers past their retention.")
            return
        official = _official(username)
        try:
            getattr(self, f"_{action}")(official, **options)
        except ValidationError as exc:
            raise _refusal(exc) from None

    def _create(self, official: Official, *, name: str, days: int, **_options) -> None:
        new = token_create(official=official, name=name, days=days)
        self.stdout.write(
            f"Token {new.token.pk} {new.token.name!r} for {official.username}, expires "
            f"{new.token.expires_at:%Y-%m-%d %H:%M %Z}. It is shown once; keep it secret."
        )
        self.stdout.write(new.secret)

    def _list(self, official: Official, **_options) -> None:
        for token in official.api_tokens.order_by("pk"):
            state = "revoked" if token.revoked_at else f"expires {token.expires_at:%Y-%m-%d}"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name}\t{state}\tused {used}")

    def _revoke(self, official: Official, *, token_id: int, **_options) -> None:
        token = token_revoke(official=official, token_id=token_id)
        self.stdout.write(f"Token {token.pk} {token.name!r} is revoked.")
