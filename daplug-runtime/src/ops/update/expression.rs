//! The update expression, the second interpreter of an update's changes: [`plan`] turns one update
//! in one request into its [`Plan`] (the patch's changes, then the explicit actions, then the lock),
//! refusing before anything is sent what an expression cannot do.

use super::changes::changes;
use super::plan::{Plan, Request};
use crate::codec::limits::check_item;
use crate::error::{Error, Result};
use crate::expr::update::first_overlap;
use aws_sdk_dynamodb::types::AttributeValue;

/// Plans `request`: every error that can be known without the stored item is returned here,
/// before anything is sent.
pub(crate) fn plan(request: &Request<'_>) -> Result<Plan> {
    let schema = request.schema;
    if let AttributeValue::M(patch) = request.patch {
        check_item(patch).map_err(|(path, message)| Error::Validation { schema, path, message })?;
    }
    let keys = request.keys.attributes();
    let changes = changes(request.patch, request.list, request.map, keys, Some(request.key), request.replaced)
        .map_err(|refused| refused.into_error(schema))?;
    let mut plan = Plan { actions: Vec::new(), guards: Vec::new() };
    for change in changes {
        plan.render(change)?;
    }
    for op in request.ops {
        plan.explicit(op, request)?;
    }
    plan.lock(request)?;
    if let Some((a, b)) = first_overlap(&plan.actions) {
        return Err(Error::Config(format!(
            "`{a}` and `{b}` overlap: one request changes an attribute (or a path inside it) once; \
             split the update or change the patch"
        )));
    }
    if plan.actions.is_empty() {
        return Err(Error::Config("nothing to update: the patch and the explicit actions change no attribute".into()));
    }
    Ok(plan)
}
