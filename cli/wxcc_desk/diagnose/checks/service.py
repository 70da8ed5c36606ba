"""Service health: the Webex status page components for the profile's region, reported the way
Supervisor Desktop's banner would show them."""

from __future__ import annotations

from wxcc_desk.diagnose.base import CheckContext, Layer, Outcome, check


@check("service.status", Layer.SERVICE, "Webex status page", requires=("local.profile",))
async def status_page(ctx: CheckContext) -> Outcome:
    from wxcc_desk.api.status_page import fetch_banner

    ctx.waiting_on(ctx.state.host_of("status"), "status page")
    st = ctx.state
    http = st.need(st.http, "the run's client")
    banner = await fetch_banner(http, st.hosts["status"], st.known_profile.region)
    if banner.error:
        return Outcome.warn(
            banner.error,  # "could not read the Webex status page: ..." says it whole
            "check network.status.* and the profile key `status_url`",
        )
    if banner.clear:
        return Outcome.ok("all Contact Center and Webex Identity components operational")
    parts = [f"{d.name}: {d.status.replace('_', ' ')}" for d in banner.degraded]
    text = "; ".join(parts + list(banner.incidents))
    return Outcome.warn(
        f"Webex reports a service problem: {text}",
        "nothing to fix locally: follow status.webex.com and retry when it clears",
        degraded=[d.name for d in banner.degraded],
    )
