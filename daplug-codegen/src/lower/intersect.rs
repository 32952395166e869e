//! `allOf` of scalars: the intersection of its members (`allOf: [{type: integer, minimum: 1},
//! {maximum: 10}]` is an integer from 1 to 10, not an empty struct). The types are intersected
//! (`integer` with `number` is `integer`), the `enum` / `const` lists too, and the constraints are
//! merged by the rules' own collection (`rules.rs`), strictest bound first. An intersection no
//! value satisfies (`string` with `integer`, disjoint enums) is `Nothing`.

use super::{Lowerer, Shape};
use crate::ir::{Rules, Ty, TypeDef};
use crate::names;
use crate::spec::{join, Prop};
use crate::value::{Mapping, Value};

/// How deep `$ref`s and nested `allOf`s are followed.
const DEPTH: usize = 16;

/// Keywords that make a schema something other than a scalar.
const NOT_SCALAR: [&str; 10] = [
    "properties",
    "additionalProperties",
    "patternProperties",
    "items",
    "prefixItems",
    "oneOf",
    "anyOf",
    "discriminator",
    "x-daplug",
    "required",
];

/// Every declaration of a property, in order (the earlier ones, then its own).
fn declarations<'a>(prop: &Prop<'a>) -> Vec<(&'a Value, String)> {
    let mut all = prop.earlier.clone();
    all.push((prop.schema, prop.pointer.clone()));
    all
}

/// The JSON types a scalar may be (`null` is nullability, handled apart).
const SCALARS: [&str; 4] = ["string", "integer", "number", "boolean"];

/// What the members of an `allOf` of scalars agree on.
#[derive(Debug, Default)]
pub(super) struct Scalar {
    /// The types still allowed (empty: none is).
    pub(super) types: Vec<&'static str>,
    /// The values still allowed, when some member lists them.
    pub(super) values: Option<Vec<Value>>,
    /// The first `format` given.
    pub(super) format: Option<String>,
}

impl Scalar {
    /// No value satisfies every member.
    pub(super) fn is_empty(&self) -> bool {
        self.types.is_empty() || self.values.as_ref().is_some_and(Vec::is_empty)
    }

    /// The intersection as one plain schema: its type, format and values (the constraints stay
    /// with the members, where the rules find them).
    pub(super) fn schema(&self) -> Value {
        let mut map = Mapping::default();
        // `types` lists "number" for the numbers that are not integers: both left is `number`.
        let ty = match self.types.as_slice() {
            [only] => Some(*only),
            [a, b] if [*a, *b].contains(&"integer") && [*a, *b].contains(&"number") => Some("number"),
            _ => None,
        };
        if let Some(ty) = ty {
            map.insert("type", Value::String(ty.to_owned()));
        }
        if let Some(format) = &self.format {
            map.insert("format", Value::String(format.clone()));
        }
        if let Some(values) = &self.values {
            map.insert("enum", Value::Sequence(values.clone()));
        }
        Value::Mapping(map)
    }
}

impl Lowerer<'_> {
    /// The type of a struct's property, and whether it is nullable. A property that `allOf`
    /// declares more than once must satisfy every declaration: scalars are intersected (their
    /// values too: `{enum: [success, failure]}` with `{enum: [success]}` is `success` only), objects
    /// merged into one struct (recursively, by the same rule), anything else is the last
    /// declaration's type.
    pub(super) fn prop_ty(&mut self, prop: &Prop<'_>) -> syn::Result<(Ty, bool)> {
        if prop.earlier.is_empty() {
            return self.ty_of(prop.schema, &prop.pointer);
        }
        if let Some(name) = self.assigned.get(&prop.pointer) {
            return Ok((Ty::Named(name.clone()), false));
        }
        let declarations = declarations(prop);
        // Declarations that all name one schema (`{$ref: A}` and `{allOf: [{$ref: A}], description}`)
        // are that schema.
        let mut targets = Vec::new();
        for (schema, at) in &declarations {
            targets.push(self.resolved(schema, at)?.1);
        }
        if targets.windows(2).all(|w| w[0] == w[1]) {
            return self.ty_of(prop.schema, &prop.pointer);
        }
        let nullable =
            declarations.iter().all(|(schema, _)| schema.get("nullable").and_then(Value::as_bool) == Some(true));
        let mut scalar = Scalar { types: SCALARS.to_vec(), ..Scalar::default() };
        let mut typed = false;
        let mut scalars = true;
        for (schema, at) in &declarations {
            scalars &= self.narrow(&mut scalar, &mut typed, schema, at, 0)?;
        }
        if scalars && (typed || scalar.values.is_some()) {
            if scalar.is_empty() {
                return Ok((Ty::Nothing, nullable));
            }
            let schema = scalar.schema();
            let values = scalar.values.map(|vs| vs.into_iter().map(|v| (v, None, None)).collect());
            let doc = format!("The values every declaration of `{}` allows.", prop.name);
            let def = match values.and_then(|values| super::values_shape(&schema, values)) {
                Some(Shape::StrEnum(values)) => {
                    let name = self.names.claim(&names::type_name_for(&prop.pointer), &prop.pointer);
                    Some((self.convert_str_enum(&name, doc, &values, &prop.pointer), name))
                }
                Some(Shape::IntEnum(values)) => {
                    let name = self.names.claim(&names::type_name_for(&prop.pointer), &prop.pointer);
                    Some((super::convert_int_enum(&name, doc, values, &prop.pointer), name))
                }
                _ => None,
            };
            if let Some((def, name)) = def {
                self.assigned.insert(prop.pointer.clone(), name.clone());
                self.defs.insert(prop.pointer.clone(), def);
                return Ok((Ty::Named(name), nullable));
            }
            return Ok((self.primitive(&schema, &prop.pointer)?, nullable));
        }
        let mut objects = true;
        for (schema, at) in &declarations {
            objects &= matches!(self.resolved(schema, at)?.0, Shape::Object);
        }
        if !objects {
            return self.ty_of(prop.schema, &prop.pointer);
        }
        let name = self.names.claim(&names::type_name_for(&prop.pointer), &prop.pointer);
        self.assigned.insert(prop.pointer.clone(), name.clone());
        let merged = self.spec.merge_all(&declarations)?;
        let closed = declarations.iter().any(|(schema, _)| super::closed(schema));
        let schema_name = names::schema_name(&prop.pointer);
        let def = self.convert_merged(&name, &schema_name, merged, closed, &prop.pointer, false)?;
        self.defs.insert(prop.pointer.clone(), TypeDef::Struct(def));
        Ok((Ty::Named(name), nullable))
    }

    /// The constraints of a struct's property: every declaration's, the strictest bound winning.
    pub(super) fn prop_rules(&self, prop: &Prop<'_>) -> syn::Result<Option<Rules>> {
        let mut rules = Rules::default();
        for (schema, at) in declarations(prop) {
            if let Some(found) = self.rules_of(schema, &at)? {
                super::rules::merge(&mut rules, found);
            }
        }
        Ok((!rules.is_empty()).then_some(rules))
    }

    /// The shape of `schema` after its `$ref`s (and `allOf`s of one member), and where that is.
    fn resolved(&self, schema: &Value, at: &str) -> syn::Result<(Shape, String)> {
        let (mut value, mut at) = (schema, at.to_owned());
        for _ in 0..DEPTH {
            match self.shape(value, &at)? {
                Shape::Ref(target) | Shape::Member(target) => {
                    value = self.spec.lookup(&target).unwrap_or(&Value::Null);
                    at = target;
                }
                shape => return Ok((shape, at)),
            }
        }
        Ok((Shape::Other, at))
    }

    /// The intersection of `value`'s `allOf` members when every one of them (and `value` itself)
    /// describes a scalar; `None` otherwise (an object, an array, a union: merged as a struct).
    pub(super) fn scalar_intersection(&self, value: &Value, at: &str) -> syn::Result<Option<Scalar>> {
        if value.get("allOf").is_none() {
            return Ok(None);
        }
        let mut scalar = Scalar { types: SCALARS.to_vec(), ..Scalar::default() };
        let mut typed = false;
        if !self.narrow(&mut scalar, &mut typed, value, at, 0)? {
            return Ok(None);
        }
        // Members that say nothing about the type (only constraints) leave it to the others; if no
        // member names one, this is not a scalar intersection.
        Ok((typed || scalar.values.is_some()).then_some(scalar))
    }

    /// Narrows `scalar` by `value` and its `allOf` members; `false` when one is not a scalar.
    fn narrow(
        &self,
        scalar: &mut Scalar,
        typed: &mut bool,
        value: &Value,
        at: &str,
        depth: usize,
    ) -> syn::Result<bool> {
        if depth > DEPTH {
            return Ok(false);
        }
        let Some(map) = value.as_mapping() else {
            // `true` adds nothing; `false` admits nothing.
            if value == &Value::Bool(false) {
                scalar.types.clear();
            }
            return Ok(true);
        };
        if map.keys().any(|k| NOT_SCALAR.contains(&k)) {
            return Ok(false);
        }
        if let Some(target) = self.spec.reference(value, at)? {
            let target_value = self.spec.lookup(&target).unwrap_or(&Value::Null);
            return self.narrow(scalar, typed, target_value, &target, depth + 1);
        }
        match value.get("type") {
            Some(Value::String(ty)) => {
                if !SCALARS.contains(&ty.as_str()) {
                    return Ok(false);
                }
                *typed = true;
                // `number` admits the integers too; `types` keeps "number" for the others.
                let allowed: &[&str] = match ty.as_str() {
                    "number" => &["number", "integer"],
                    "integer" => &["integer"],
                    "string" => &["string"],
                    _ => &["boolean"],
                };
                scalar.types.retain(|t| allowed.contains(t));
            }
            Some(_) => return Ok(false),
            None => {}
        }
        if scalar.format.is_none() {
            scalar.format = value.get("format").and_then(Value::as_str).map(str::to_owned);
        }
        let listed = match (value.get("enum"), value.get("const")) {
            (_, Some(constant)) => Some(vec![constant.clone()]),
            (Some(Value::Sequence(values)), None) => Some(values.clone()),
            _ => None,
        };
        if let Some(listed) = listed {
            scalar.values = Some(match scalar.values.take() {
                Some(kept) => kept.into_iter().filter(|v| listed.contains(v)).collect(),
                None => listed,
            });
        }
        if let Some(members) = value.get("allOf") {
            let members_at = join(at, "allOf");
            for (i, member) in self.spec.list(members, &members_at)?.iter().enumerate() {
                if !self.narrow(scalar, typed, member, &join(&members_at, &i.to_string()), depth + 1)? {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }
}
