//! Who may see and do what. Every page, API route and service operation asks these functions;
//! nothing else decides.

use vjt_domain::{OrganisationId, Role};

/// The signed-in user on whose behalf something is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub email: String,
    pub organisation: OrganisationId,
    pub role: Role,
}

/// Which reports an analysis or a listing covers for a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Everything, with organisation names (the coordinator).
    All,
    /// One organisation's own reports.
    Organisation(OrganisationId),
    /// Aggregates of everything, small numbers hidden, no organisation named (viewers).
    Aggregates,
}

pub fn scope(c: &Caller) -> Scope {
    match c.role {
        Role::Coordinator => Scope::All,
        Role::Viewer => Scope::Aggregates,
        Role::OrgAdmin | Role::Reporter => Scope::Organisation(c.organisation),
    }
}

/// Whether a caller may see one report of `owner`. Answered "no" is answered 404, never 403, so
/// that no caller learns which reports exist.
pub fn can_see_report(c: &Caller, owner: OrganisationId) -> bool {
    match scope(c) {
        Scope::All => true,
        Scope::Organisation(org) => org == owner,
        Scope::Aggregates => false,
    }
}

pub fn can_write_report(c: &Caller, owner: OrganisationId) -> bool {
    c.role != Role::Viewer && can_see_report(c, owner)
}

/// Whether a caller may list single reports at all.
pub fn can_list_reports(c: &Caller) -> bool {
    c.role != Role::Viewer
}

/// Whether a caller may name the organisation that submitted a report.
pub fn can_see_submitter(c: &Caller, owner: OrganisationId) -> bool {
    can_see_report(c, owner)
}

/// Whether a caller may submit reports for another organisation than their own.
pub fn can_submit_for_others(c: &Caller) -> bool {
    c.role == Role::Coordinator
}

/// Whether a caller works the coordinator's review queue: verifying and rejecting reports,
/// deciding places and duplicates.
pub fn can_review(c: &Caller) -> bool {
    c.role == Role::Coordinator
}

/// Whether a caller imports spreadsheets (for any organisation).
pub fn can_import(c: &Caller) -> bool {
    c.role == Role::Coordinator
}

/// Whether a caller may submit new reports at all.
pub fn can_submit(c: &Caller) -> bool {
    c.role != Role::Viewer
}

/// Whether a caller sees the administration page: the network, or their organisation's users.
pub fn can_administer(c: &Caller) -> bool {
    can_manage_network(c) || can_manage_users_of(c, c.organisation)
}

/// Whether a caller manages the network itself: organisations and collection rounds.
/// Whether the caller sees live figures (the dashboard, county pages, the analysis API) for
/// their scope. Viewers (government, donors) see releases instead: live figures can be
/// subtracted from each other until one report stands out.
pub fn can_see_live_figures(c: &Caller) -> bool {
    c.role != Role::Viewer
}

/// Whether the caller makes and withdraws the network's releases.
pub fn can_publish(c: &Caller) -> bool {
    c.role == Role::Coordinator
}

/// Whether the caller may download a withdrawn release's files (kept for the record).
pub fn can_read_withdrawn(c: &Caller) -> bool {
    c.role == Role::Coordinator
}

pub fn can_manage_network(c: &Caller) -> bool {
    c.role == Role::Coordinator
}

/// Whether a caller may add or disable the users of `org`: the coordinator anyone's, an
/// organisation's administrator their own organisation's.
pub fn can_manage_users_of(c: &Caller, org: OrganisationId) -> bool {
    match c.role {
        Role::Coordinator => true,
        Role::OrgAdmin => c.organisation == org,
        _ => false,
    }
}

/// Whether a caller may give `role` to a user: an organisation's administrator only roles inside
/// their organisation (reporter, org_admin); viewers and coordinators come from the coordinator.
pub fn can_grant(c: &Caller, role: Role) -> bool {
    match c.role {
        Role::Coordinator => true,
        Role::OrgAdmin => matches!(role, Role::Reporter | Role::OrgAdmin),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role, org: i64) -> Caller {
        Caller { user_id: 1, email: "x@y".into(), organisation: OrganisationId(org), role }
    }

    #[test]
    fn each_role_sees_what_it_should() {
        let (a, b) = (OrganisationId(1), OrganisationId(2));
        assert!(can_see_report(&caller(Role::Coordinator, 1), b));
        assert!(can_see_report(&caller(Role::Reporter, 1), a));
        assert!(!can_see_report(&caller(Role::Reporter, 1), b));
        assert!(!can_see_report(&caller(Role::OrgAdmin, 1), b));
        assert!(!can_see_report(&caller(Role::Viewer, 1), a));
        assert!(!can_write_report(&caller(Role::Viewer, 1), a));
        assert!(!can_list_reports(&caller(Role::Viewer, 1)));
        assert_eq!(scope(&caller(Role::Viewer, 1)), Scope::Aggregates);
        assert!(!can_submit_for_others(&caller(Role::OrgAdmin, 1)));
        assert!(can_review(&caller(Role::Coordinator, 1)) && !can_review(&caller(Role::OrgAdmin, 1)));
        assert!(can_import(&caller(Role::Coordinator, 1)) && !can_import(&caller(Role::Reporter, 1)));
        assert!(can_submit(&caller(Role::Reporter, 1)) && !can_submit(&caller(Role::Viewer, 1)));
        assert!(can_administer(&caller(Role::OrgAdmin, 1)) && !can_administer(&caller(Role::Reporter, 1)));
    }

    #[test]
    fn only_the_coordinator_runs_the_network_and_org_admins_their_own_users() {
        let (a, b) = (OrganisationId(1), OrganisationId(2));
        assert!(can_manage_network(&caller(Role::Coordinator, 1)));
        assert!(!can_manage_network(&caller(Role::OrgAdmin, 1)));
        assert!(can_manage_users_of(&caller(Role::OrgAdmin, 1), a));
        assert!(!can_manage_users_of(&caller(Role::OrgAdmin, 1), b));
        assert!(!can_manage_users_of(&caller(Role::Reporter, 1), a));
        assert!(can_grant(&caller(Role::OrgAdmin, 1), Role::Reporter));
        assert!(!can_grant(&caller(Role::OrgAdmin, 1), Role::Coordinator));
        assert!(!can_grant(&caller(Role::OrgAdmin, 1), Role::Viewer));
        assert!(can_grant(&caller(Role::Coordinator, 1), Role::Viewer));
    }
}
