"""A client generated from /api/v1/openapi.json, used as an integrator would use it:
log in, make an API token, search the needs and read one need's matches. Type-checked
with mypy --strict against the generated package before it runs (see .ci/api-contract).

Usage: python api-client-check.py BASE_URL EMAIL PASSWORD
"""

import sys

from techmatch_client import AuthenticatedClient
from techmatch_client.api.accounts import create_token, login
from techmatch_client.api.public import list_need_matches, search_postings
from techmatch_client.models import (
    CreatedToken,
    Credentials,
    NewToken,
    PublicPosting,
    SearchResults,
    SignedInBody,
)


def main(base_url: str, email: str, password: str) -> None:
    # A token is made by a logged-in session (its cookie), whose writes carry the CSRF
    # token the login answered: that token is the session client's credential.
    with AuthenticatedClient(
        base_url=base_url,
        token="",
        prefix="",
        auth_header_name="X-CSRF-Token",
        raise_on_unexpected_status=True,
    ) as session:
        signed_in = login.sync(client=session, body=Credentials(email=email, password=password))
        if not isinstance(signed_in, SignedInBody):
            raise SystemExit(f"login refused: {signed_in}")
        session.get_httpx_client().headers["X-CSRF-Token"] = signed_in.csrf_token
        created = create_token.sync(client=session, body=NewToken(name="generated client"))
        if not isinstance(created, CreatedToken):
            raise SystemExit(f"no token: {created}")

    with AuthenticatedClient(
        base_url=base_url, token=created.token, raise_on_unexpected_status=True
    ) as client:
        found = search_postings.sync(client=client, kind="needs", q="")
        if not isinstance(found, SearchResults) or not found.hits:
            raise SystemExit(f"the search found no needs: {found}")
        need = found.hits[0]
        matched = list_need_matches.sync(client=client, id=need.external_id)
        if not isinstance(matched, PublicPosting):
            raise SystemExit(f"no matches for {need.external_id}: {matched}")
        if not matched.matches:
            raise SystemExit(f"{need.external_id} has no matches")
        best = matched.matches[0]
        print(
            f"{found.total} needs; {need.title}: {len(matched.matches)} matches, "
            f"the strongest {best.title} ({best.strength}/100, "
            f"{', '.join(factor.label for factor in best.factors)})"
        )


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3])
