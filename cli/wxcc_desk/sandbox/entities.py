"""JSON forms of tenant records, field names as in the WxCC config specs.

None values are left out: the specs type these fields as plain strings, not nullable.
"""

from __future__ import annotations

from typing import Any

from wxcc_desk.sandbox import model as m

CREATED = 1_704_067_200_000  # 2024-01-01, a fixed time so responses are reproducible


def _clean(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if v is not None}


def _base(org: str, entity_id: str) -> dict[str, Any]:
    return {
        "organizationId": org,
        "id": entity_id,
        "version": 1,
        "createdTime": CREATED,
        "lastUpdatedTime": CREATED,
    }


def user(t: m.Tenant, u: m.User) -> dict[str, Any]:
    site = t.sites.get(u.site_id)
    return _clean(
        {
            **_base(t.org.id, u.id),
            "firstName": u.first_name,
            "lastName": u.last_name,
            "email": u.email,
            "ciUserId": u.ci_user_id,
            "timezone": t.org.timezone,
            "userProfileType": u.user_profile_type,
            "contactCenterEnabled": u.contact_center_enabled,
            "siteId": u.site_id or None,
            "siteName": site.name if site else None,
            "teamIds": list(u.team_ids),
            "skillProfileId": u.skill_profile_id,
            "agentProfileId": u.desktop_profile_id,
            "multimediaProfileId": u.multimedia_profile_id,
            # The API's own spelling (sic): protocol §1.
            "deafultDialledNumber": u.default_dn,
            "active": u.active,
            "dbId": u.db_id,
            "imiUserCreated": False,
            "systemDefault": False,
        }
    )


def desktop_profile(t: m.Tenant, p: m.DesktopProfile) -> dict[str, Any]:
    return {
        **_base(t.org.id, p.id),
        "name": p.name,
        "parentType": "ORGANIZATION",
        "screenPopup": True,
        "lastAgentRouting": False,
        "autoWrapUp": False,
        "autoAnswer": False,
        "agentAvailableAfterOutdial": False,
        "allowAutoWrapUpExtension": False,
        "accessWrapUpCode": p.access_wrapup_code,
        "wrapUpCodes": list(p.wrapup_code_ids),
        "accessIdleCode": p.access_idle_code,
        "idleCodes": list(p.idle_code_ids),
        "accessQueue": "ALL",
        "queues": [],
        "accessEntryPoint": "ALL",
        "entryPoints": [],
        "accessBuddyTeam": "ALL",
        "buddyTeams": [],
        "consultToQueue": True,
        "outdialEnabled": p.outdial_enabled,
        "dialPlanEnabled": p.dial_plan_enabled,
        "dialPlans": list(p.dial_plan_ids),
        "showUserDetailsMS": False,
        "stateSynchronizationMS": False,
        "showUserDetailsWebex": False,
        "stateSynchronizationWebex": False,
        "timeoutDesktopInactivityCustomEnabled": False,
        "agentDNValidation": p.dn_validation,
        "agentDNValidationCriterions": list(p.dn_validation_criteria),
        "loginVoiceOptions": list(p.login_voice_options),
        "active": p.active,
        "systemDefault": False,
    }


def team(t: m.Tenant, x: m.Team) -> dict[str, Any]:
    site = t.sites.get(x.site_id)
    return _clean(
        {
            **_base(t.org.id, x.id),
            "name": x.name,
            "teamType": x.team_type,
            "teamStatus": x.status,
            "dialedNumber": x.dialed_number,
            "active": x.active,
            "siteId": x.site_id,
            "siteName": site.name if site else None,
            "skillProfileId": x.skill_profile_id,
            "multiMediaProfileId": x.multimedia_profile_id,
            "userIds": [] if x.team_type == "CAPACITY" else list(x.user_ids),
            "systemDefault": False,
        }
    )


def site(t: m.Tenant, s: m.Site) -> dict[str, Any]:
    return {
        **_base(t.org.id, s.id),
        "name": s.name,
        "active": s.active,
        # SiteDTO requires the key; a site without a profile reads as "" (inferred).
        "multimediaProfileId": s.multimedia_profile_id or "",
        "systemDefault": False,
    }


def dial_plan(t: m.Tenant, d: m.DialPlan) -> dict[str, Any]:
    return {
        **_base(t.org.id, d.id),
        "name": d.name,
        "regularExpression": d.regex,
        "prefix": d.prefix,
        "strippedChars": d.stripped_chars,
        "active": d.active,
        "systemDefault": False,
    }


def multimedia_profile(t: m.Tenant, p: m.MultimediaProfile) -> dict[str, Any]:
    return {
        **_base(t.org.id, p.id),
        "name": p.name,
        "telephony": p.telephony,
        "chat": p.chat,
        "email": p.email,
        "social": p.social,
        "active": p.active,
        "blendingModeEnabled": p.blending_mode != "EXCLUSIVE",
        "blendingMode": p.blending_mode,
        "systemDefault": False,
    }


def skill_profile(t: m.Tenant, p: m.SkillProfile) -> dict[str, Any]:
    return {**_base(t.org.id, p.id), "name": p.name, "activeSkills": []}


def aux_code(t: m.Tenant, a: m.AuxCode) -> dict[str, Any]:
    return {
        **_base(t.org.id, a.id),
        "name": a.name,
        "description": a.name,
        "defaultCode": a.default,
        "active": a.active,
        "isSystemCode": a.system,
        "workTypeCode": a.work_type,
        "workTypeId": f"{a.work_type.lower()}-type",
        "systemDefault": False,
    }


def organization(t: m.Tenant) -> dict[str, Any]:
    return {
        "id": t.org.id,
        "tenantId": t.org.id,
        "name": t.org.name,
        "timezone": t.org.timezone,
        "region": t.org.region,
    }


def organization_setting(t: m.Tenant) -> dict[str, Any]:
    return {
        "organizationId": t.org.id,
        "webRtcEnabled": t.org.webrtc_enabled,
        "campaignManagerEnabled": False,
    }


def tenant_configuration(t: m.Tenant) -> dict[str, Any]:
    o = t.org
    return {
        "organizationId": o.id,
        "forceDefaultDn": o.force_default_dn,
        "dnDefaultRegex": o.dn_default_regex,
        "dnOtherRegex": o.dn_other_regex,
        "outdialEnabled": o.outdial_enabled,
        "lostConnectionRecoveryTimeout": o.lost_connection_recovery_timeout,
        "timezone": o.timezone,
    }
