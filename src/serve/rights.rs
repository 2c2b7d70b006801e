//! An agent's rights to send, read from the server's list of operators at every send (the
//! operators file as last read), not as they were at login.

use super::Shared;
use crate::engine::{Rights, RightsNow, RightsSource};
use crate::operators::Operator;
use russh::keys::ssh_key::public::KeyData;
use std::sync::Arc;

/// The rights of whoever holds this key now.
struct Live {
    shared: Arc<Shared>,
    key: KeyData,
    /// Who the session is for: a key that names someone else now sends nothing for them.
    name: String,
}

impl RightsNow for Live {
    fn rights(&self) -> Rights {
        match self.shared.registry.find(&self.key) {
            Some(now) if now.name == self.name => now.rights(),
            _ => Rights::Revoked,
        }
    }
}

/// Where a session's rights come from: the list as it stands for a key; a demo visitor's
/// (no key) are their line's.
pub fn source(shared: &Arc<Shared>, key: Option<&KeyData>, who: &Operator) -> RightsSource {
    match key {
        Some(key) => RightsSource::new(Live {
            shared: shared.clone(),
            key: key.clone(),
            name: who.name.clone(),
        }),
        None => RightsSource::new(who.rights()),
    }
}
