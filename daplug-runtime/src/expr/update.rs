//! Update expressions: the actions of one `UpdateItem` (`SET`, `REMOVE`, `ADD`, `DELETE`) on
//! attribute paths, rendered through [`Placeholders`], and the rule DynamoDB enforces on them: no two
//! actions may touch overlapping paths (the same path, or a path and one inside it).

use aws_sdk_dynamodb::types::AttributeValue;

use super::Placeholders;
use crate::attr::AttrPath;
use crate::prefix::Prefixes;

/// One action of an update expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// `SET path = :v`
    Set(AttrPath, AttributeValue),
    /// `REMOVE path`
    Remove(AttrPath),
    /// Adds a number (a negative one subtracts), an absent attribute counting as zero: `ADD path :n`
    /// at the top level, `SET path = if_not_exists(path, :zero) + :n` below it (DynamoDB's `ADD`
    /// works on top-level attributes only).
    Increment(AttrPath, AttributeValue),
    /// `SET path = list_append(if_not_exists(path, :empty), :list)`: appends to a list, an absent
    /// attribute counting as an empty list.
    Append(AttrPath, AttributeValue),
    /// `ADD path :set`: set union (a top-level set).
    AddToSet(AttrPath, AttributeValue),
    /// `DELETE path :set`: set difference (a top-level set).
    DeleteFromSet(AttrPath, AttributeValue),
}

impl Action {
    /// The path the action writes.
    pub(crate) fn path(&self) -> &AttrPath {
        match self {
            Action::Set(path, _)
            | Action::Remove(path)
            | Action::Increment(path, _)
            | Action::Append(path, _)
            | Action::AddToSet(path, _)
            | Action::DeleteFromSet(path, _) => path,
        }
    }

    /// Whether sending the action twice leaves the item as sending it once: false for increments
    /// and appends (a retried request whose first answer was lost would apply them twice).
    pub(crate) fn is_idempotent(&self) -> bool {
        !matches!(self, Action::Increment(..) | Action::Append(..))
    }
}

/// Whether two paths overlap: the same path, or one inside the other.
pub(crate) fn overlap(a: &AttrPath, b: &AttrPath) -> bool {
    let (a_steps, b_steps) = (a.steps(), b.steps());
    let shorter = a_steps.len().min(b_steps.len());
    a.top_level() == b.top_level() && a_steps[..shorter] == b_steps[..shorter]
}

/// The first pair of actions (in order) whose paths overlap, which DynamoDB rejects in one request.
pub(crate) fn first_overlap(actions: &[Action]) -> Option<(&AttrPath, &AttrPath)> {
    actions
        .iter()
        .enumerate()
        .find_map(|(i, a)| actions[i + 1..].iter().find(|b| overlap(a.path(), b.path())).map(|b| (a.path(), b.path())))
}

/// Renders `actions` as an `UpdateExpression` (`SET ... REMOVE ... ADD ... DELETE ...`, actions in
/// the order given within each clause); `None` when there are none. Values of top-level key
/// attributes would be prefixed, like every value (updates never write key attributes).
pub(crate) fn render(actions: &[Action], p: &mut Placeholders, prefixes: &Prefixes) -> Option<String> {
    let (mut set, mut remove, mut add, mut delete) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for action in actions {
        match action {
            Action::Set(path, value) => {
                let name = p.path(path);
                set.push(format!("{name} = {}", p.path_value(path, value.clone(), prefixes)));
            }
            Action::Remove(path) => remove.push(p.path(path)),
            Action::Increment(path, by) if path.is_top_level() => {
                let name = p.path(path);
                add.push(format!("{name} {}", p.path_value(path, by.clone(), prefixes)));
            }
            Action::Increment(path, by) => {
                let name = p.path(path);
                let zero = p.path_value(path, AttributeValue::N("0".into()), prefixes);
                let by = p.path_value(path, by.clone(), prefixes);
                set.push(format!("{name} = if_not_exists({name}, {zero}) + {by}"));
            }
            Action::Append(path, list) => {
                let name = p.path(path);
                let empty = p.path_value(path, AttributeValue::L(Vec::new()), prefixes);
                let list = p.path_value(path, list.clone(), prefixes);
                set.push(format!("{name} = list_append(if_not_exists({name}, {empty}), {list})"));
            }
            Action::AddToSet(path, values) => {
                let name = p.path(path);
                add.push(format!("{name} {}", p.path_value(path, values.clone(), prefixes)));
            }
            Action::DeleteFromSet(path, values) => {
                let name = p.path(path);
                delete.push(format!("{name} {}", p.path_value(path, values.clone(), prefixes)));
            }
        }
    }
    let clauses: Vec<String> = [("SET", set), ("REMOVE", remove), ("ADD", add), ("DELETE", delete)]
        .into_iter()
        .filter(|(_, actions)| !actions.is_empty())
        .map(|(keyword, actions)| format!("{keyword} {}", actions.join(", ")))
        .collect();
    (!clauses.is_empty()).then(|| clauses.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(text.into())
    }

    #[test]
    fn clauses_in_order_with_placeholders() {
        let actions = [
            Action::Increment("qty".into(), n("2")),
            Action::Set(AttrPath::new("profile").field("name"), AttributeValue::S("Ann".into())),
            Action::Remove("note".into()),
            Action::Append("tags".into(), AttributeValue::L(vec![AttributeValue::S("x".into())])),
            Action::DeleteFromSet("labels".into(), AttributeValue::Ss(vec!["old".into()])),
            Action::AddToSet("labels2".into(), AttributeValue::Ss(vec!["new".into()])),
            Action::Increment(AttrPath::new("stats").field("views"), n("1")),
        ];
        let mut p = Placeholders::default();
        let text = render(&actions, &mut p, &Prefixes::none()).unwrap();
        assert_eq!(
            text,
            "SET #n1.#n2 = :v1, #n4 = list_append(if_not_exists(#n4, :v2), :v3), \
             #n7.#n8 = if_not_exists(#n7.#n8, :v6) + :v7 REMOVE #n3 ADD #n0 :v0, #n6 :v5 DELETE #n5 :v4"
        );
        let names = p.names().unwrap();
        assert_eq!((names["#n0"].as_str(), names["#n2"].as_str(), names["#n8"].as_str()), ("qty", "name", "views"));
        let values = p.values().unwrap();
        assert_eq!(values[":v2"], AttributeValue::L(Vec::new()));
        assert_eq!(values[":v6"], n("0"));
        assert!(actions.iter().filter(|a| !a.is_idempotent()).count() == 3);
    }

    #[test]
    fn overlapping_paths_are_found() {
        let profile = AttrPath::new("profile");
        assert!(overlap(&profile, &profile.clone().field("name")));
        assert!(overlap(&profile.clone().field("name"), &profile));
        assert!(!overlap(&profile.clone().field("name"), &profile.clone().field("city")));
        assert!(!overlap(&AttrPath::new("a"), &AttrPath::new("ab")));
        assert!(!overlap(&AttrPath::new("l").index(0), &AttrPath::new("l").index(1)));
        let actions =
            [Action::Remove("a".into()), Action::Set("b".into(), n("1")), Action::Increment("b".into(), n("1"))];
        assert_eq!(
            first_overlap(&actions).map(|(a, b)| (a.to_string(), b.to_string())),
            Some(("b".into(), "b".into()))
        );
        assert!(first_overlap(&actions[..2]).is_none());
        assert!(render(&[], &mut Placeholders::default(), &Prefixes::none()).is_none());
    }
}
