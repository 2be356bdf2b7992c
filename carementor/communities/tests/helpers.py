from carementor.accounts.models import User
from carementor.communities import services
from carementor.communities.models import Community, Member, Post
from carementor.communities.permissions import get_community_for
from carementor.communities.posting import Draft, post_create


def join(community: Community, user: User) -> Member:
    return services.community_join(community, user, accept_guidelines=True)


def post(
    community: Community, author: User, title: str = "Sedation holds", **extra: object
) -> Post:
    access = get_community_for(author, community.code)
    body = str(extra.pop("body", "How often do you do sedation holds on your unit?"))
    return post_create(access, author, Draft(title=title, body=body, **extra))  # type: ignore[arg-type]
