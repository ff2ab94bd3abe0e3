//! Place resolution with the coordinator's decisions: the embedded gazetteer's resolver, plus
//! every alias the coordinator has recorded ("Kwa Mzee stage" means this town).

use vjt_gazetteer::{Gazetteer, Resolver};
use vjt_store::{Store, StoreError};

/// The resolver with this database's coordinator aliases. An alias to a place a newer gazetteer
/// dropped is skipped rather than fatal.
pub fn resolver(store: &Store) -> Result<Resolver<'static>, StoreError> {
    let aliases = store.place_aliases()?;
    let mut resolver = Resolver::new(Gazetteer::embedded());
    for alias in aliases {
        resolver.add_alias(&alias.text, &alias.place.0);
    }
    Ok(resolver)
}
