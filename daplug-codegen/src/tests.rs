//! Pipeline tests: spec text → IR → tokens, checked as strings.

use proc_macro2::Span;

use crate::ir::{EnumKind, Literal, Module, Ty, TypeDef};
use crate::spec::Spec;
use crate::{emit, lower};

fn spec(text: &str) -> Spec {
    Spec::parse("t.yml", text, Span::call_site()).expect("spec parses")
}

fn lower_ok(text: &str) -> Module {
    lower::lower(&spec(text)).expect("lowers")
}

fn lower_err(text: &str) -> String {
    match lower::lower(&spec(text)) {
        Ok(_) => panic!("expected an error"),
        Err(err) => err.into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"),
    }
}

fn expand(text: &str) -> String {
    let tokens = emit::module(&lower_ok(text));
    syn::parse2::<syn::File>(tokens.clone()).expect("output parses as a file");
    tokens.to_string()
}

fn fixture(name: &str) -> String {
    let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("fixture exists")
}

#[test]
fn seed_and_vectors_expand() {
    for name in ["seed-openapi.yml", "vectors-openapi.yml"] {
        let out = expand(&fixture(name));
        assert!(out.contains("impl :: daplug_runtime :: Model for"), "{name}");
    }
}

#[test]
fn print_vectors() {
    println!("{}", emit::module(&lower_ok(&fixture("vectors-openapi.yml"))));
}

/// Wraps component schemas (YAML, indented by 4) in a components-only document.
fn components(schemas: &str) -> String {
    format!("components:\n  schemas:\n{schemas}")
}

fn find<'a>(module: &'a Module, name: &str) -> &'a TypeDef {
    module.get(name).unwrap_or_else(|| panic!("no type {name}"))
}

fn field_ty(module: &Module, ty: &str, field: &str) -> (Ty, bool) {
    match find(module, ty) {
        TypeDef::Struct(s) => s
            .fields
            .iter()
            .find(|f| f.ident == field)
            .map(|f| (f.ty.clone(), f.optional))
            .unwrap_or_else(|| panic!("no field {field}")),
        other => panic!("{ty} is not a struct: {other:?}"),
    }
}

#[test]
fn decimals_per_property_and_per_spec() {
    let props = "    S:\n      properties:\n        a: {type: number}\n        b: {type: number, format: decimal}\n        c: {type: number, format: double}\n        d: {type: number, format: float}\n        e: {type: string, format: decimal}\n        f: {type: integer}\n";
    let m = lower_ok(&components(props));
    let types = |m: &Module| ["a", "b", "c", "d", "e", "f"].map(|f| field_ty(m, "S", f).0);
    assert_eq!(types(&m), [Ty::F64, Ty::Decimal, Ty::F64, Ty::F32, Ty::String, Ty::I64]);
    let m = lower_ok(&format!("x-daplug: {{numbers: decimal}}\n{}", components(props)));
    assert_eq!(types(&m), [Ty::Decimal, Ty::Decimal, Ty::F64, Ty::F32, Ty::String, Ty::I64]);
    let out = expand(&format!("x-daplug: {{numbers: decimal}}\n{}", components(props)));
    assert!(out.contains(":: daplug_runtime :: Decimal"), "{out}");
    let err = lower_err(&format!("x-daplug: {{numbers: exact, tabel: x}}\n{}", components(props)));
    assert!(err.contains("t.yml#/x-daplug/numbers: expected `decimal` or `f64`"), "{err}");
    assert!(err.contains("t.yml#/x-daplug/tabel: unknown spec-wide `x-daplug` key"), "{err}");
}

#[test]
fn scalars_and_formats() {
    let m = lower_ok(&components(
        "    S:\n      properties:\n        a: {type: integer}\n        b: {type: integer, format: int32}\n        c: {type: number}\n        d: {type: number, format: float}\n        e: {type: boolean}\n        f: {type: string, format: date-time}\n        g: {}\n      required: [a]\n",
    ));
    assert_eq!(field_ty(&m, "S", "a"), (Ty::I64, false));
    assert_eq!(field_ty(&m, "S", "b"), (Ty::I32, true));
    assert_eq!(field_ty(&m, "S", "c").0, Ty::F64);
    assert_eq!(field_ty(&m, "S", "d").0, Ty::F32);
    assert_eq!(field_ty(&m, "S", "e").0, Ty::Bool);
    assert_eq!(field_ty(&m, "S", "f").0, Ty::String);
    assert_eq!(field_ty(&m, "S", "g").0, Ty::Json);
}

#[test]
fn arrays_maps_and_schemaless() {
    let m = lower_ok(&components(
        "    S:\n      type: object\n      properties:\n        a: {type: array}\n        b: {type: array, items: {type: string}}\n        c: {type: object}\n        d: {type: object, additionalProperties: true}\n        e: {type: object, additionalProperties: {type: integer}}\n        f: {type: object, properties: {}}\n        g: {type: array, items: {type: array, items: {type: number}}}\n",
    ));
    let vec = |t: Ty| Ty::Vec(Box::new(t));
    assert_eq!(field_ty(&m, "S", "a").0, vec(Ty::Json));
    assert_eq!(field_ty(&m, "S", "b").0, vec(Ty::String));
    // An object without properties is any object, and only objects.
    assert_eq!(field_ty(&m, "S", "c").0, Ty::Object);
    assert_eq!(field_ty(&m, "S", "d").0, Ty::Map(Box::new(Ty::Json)));
    assert_eq!(field_ty(&m, "S", "e").0, Ty::Map(Box::new(Ty::I64)));
    assert_eq!(field_ty(&m, "S", "f").0, Ty::Object);
    assert_eq!(field_ty(&m, "S", "g").0, vec(vec(Ty::F64)));
    let out = expand(&components("    S:\n      properties:\n        d: {additionalProperties: {}}\n"));
    assert!(out.contains("BTreeMap < :: daplug_runtime :: __private :: std :: string :: String , :: daplug_runtime :: __private :: serde_json :: Value >"), "{out}");
}

#[test]
fn nested_objects_are_named_after_parent_and_property() {
    let m = lower_ok(&components(
        "    test-dynamo-model:\n      properties:\n        object_key:\n          properties: {string_key: {type: string}}\n        array_objects:\n          type: array\n          items: {properties: {k: {type: string}}}\n",
    ));
    assert_eq!(field_ty(&m, "TestDynamoModel", "object_key").0, Ty::Named("TestDynamoModelObjectKey".into()));
    assert_eq!(
        field_ty(&m, "TestDynamoModel", "array_objects").0,
        Ty::Vec(Box::new(Ty::Named("TestDynamoModelArrayObjectsItem".into())))
    );
    let TypeDef::Struct(nested) = find(&m, "TestDynamoModelObjectKey") else { panic!("struct expected") };
    assert!(nested.model.is_none(), "nested types are not models");
}

#[test]
fn openapi_31_nullability_and_30_nullable() {
    let m = lower_ok(&components(
        "    S:\n      required: [a, b, c]\n      properties:\n        a: {type: [string, 'null']}\n        b: {type: string, nullable: true}\n        c: {type: string}\n        d: {type: array, items: {type: [integer, 'null']}}\n",
    ));
    assert_eq!(field_ty(&m, "S", "a"), (Ty::String, true));
    assert_eq!(field_ty(&m, "S", "b"), (Ty::String, true));
    assert_eq!(field_ty(&m, "S", "c"), (Ty::String, false));
    assert_eq!(field_ty(&m, "S", "d").0, Ty::Vec(Box::new(Ty::Option(Box::new(Ty::I64)))));
    let out = expand(&components("    S:\n      properties:\n        a: {type: [string, 'null']}\n"));
    // Optional: an `Option` field, absent when read as `None`, not written when `None`.
    assert!(out.contains("pub a : :: daplug_runtime :: __private :: std :: option :: Option <"), "{out}");
    assert!(
        out.contains(
            "type Fields = (__p :: Optional < :: daplug_runtime :: __private :: std :: string :: String > ,) ;"
        ),
        "{out}"
    );
    assert!(out.contains(". optional (\"a\" , & self . a)"), "{out}");
}

#[test]
fn all_of_merges_at_depth_with_required_union() {
    let m = lower_ok(&components(
        "    A:\n      properties: {a: {type: string}}\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - properties: {b: {type: integer}}\n    C:\n      allOf:\n        - $ref: '#/components/schemas/B'\n        - required: [a, b]\n        - properties:\n            inner:\n              allOf:\n                - $ref: '#/components/schemas/A'\n                - properties: {x: {type: boolean}}\n",
    ));
    assert_eq!(field_ty(&m, "C", "a"), (Ty::String, false));
    assert_eq!(field_ty(&m, "C", "b"), (Ty::I64, false));
    assert_eq!(field_ty(&m, "B", "b"), (Ty::I64, true));
    assert_eq!(field_ty(&m, "C", "inner").0, Ty::Named("CInner".into()));
    assert_eq!(field_ty(&m, "CInner", "x").0, Ty::Bool);
    assert_eq!(field_ty(&m, "CInner", "a").0, Ty::String);
}

#[test]
fn one_of_any_of_and_discriminators() {
    let m = lower_ok(&components(
        "    A: {properties: {a: {type: string}}}\n    B: {properties: {b: {type: string}, kind: {type: string}}}\n    U:\n      oneOf: [{$ref: '#/components/schemas/A'}, {type: string}, {type: integer}, {type: 'null'}]\n    T:\n      oneOf: [{$ref: '#/components/schemas/A'}]\n      discriminator: {propertyName: kind, mapping: {a: '#/components/schemas/A'}}\n    V:\n      anyOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]\n      discriminator: {propertyName: kind}\n",
    ));
    let TypeDef::Enum(u) = find(&m, "U") else { panic!("enum") };
    let EnumKind::OneOf { tag, alternatives } = &u.kind else { panic!("oneOf") };
    assert!(tag.is_none());
    let idents: Vec<&str> = alternatives.iter().map(|a| a.ident.as_str()).collect();
    assert_eq!(idents, ["A", "String", "Integer"]);
    let TypeDef::Enum(t) = find(&m, "T") else { panic!("enum") };
    let EnumKind::OneOf { tag, alternatives } = &t.kind else { panic!("oneOf") };
    assert_eq!(tag.as_deref(), Some("kind"));
    assert_eq!(alternatives[0].tags, ["a"]);
    // B declares the tag property itself: V is still tagged, B keeps its field, and the tag values
    // are the schema names (no mapping).
    let TypeDef::Enum(v) = find(&m, "V") else { panic!("enum") };
    let EnumKind::OneOf { tag, alternatives } = &v.kind else { panic!("oneOf") };
    assert_eq!(tag.as_deref(), Some("kind"));
    let tags: Vec<&[String]> = alternatives.iter().map(|a| a.tags.as_slice()).collect();
    assert_eq!(tags, [["A".to_owned()], ["B".to_owned()]]);
    assert!(alternatives[0].tag_field.is_none());
    assert_eq!(alternatives[1].tag_field.as_ref().and_then(|f| f.ident.as_deref()), Some("kind"));
    let out = expand(&components(
        "    A: {properties: {a: {type: string}}}\n    T:\n      oneOf: [{$ref: '#/components/schemas/A'}]\n      discriminator: {propertyName: kind, mapping: {a: '#/components/schemas/A'}}\n",
    ));
    assert!(out.contains("const TAG : & 'static str = \"kind\""), "{out}");
    assert!(out.contains("const TAGS : & 'static [& 'static str] = & [\"a\"]"), "{out}");
}

#[test]
fn string_enums_with_renames() {
    let out = expand(&components("    S: {type: string, enum: [grain-receiver, reseller, 3PO, type]}\n"));
    // The wire names and the Rust names, position for position.
    assert!(
        out.contains(
            "const VARIANTS : & 'static [& 'static str] = & [\"grain-receiver\" , \"reseller\" , \"3PO\" , \"type\"] ;"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "const IDENTS : & 'static [& 'static str] = & [\"GrainReceiver\" , \"Reseller\" , \"X3po\" , \"Type\"] ;"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "pub enum S { # [doc = \" `grain-receiver`\"] GrainReceiver , # [doc = \" `reseller`\"] Reseller ,"
        ),
        "{out}"
    );
}

#[test]
fn property_names_and_keywords() {
    let out = expand(&components("    S:\n      properties:\n        orderId: {type: string}\n        type: {type: string}\n        self: {type: string}\n"));
    assert!(
        out.contains("const FIELDS : & 'static [& 'static str] = & [\"orderId\" , \"type\" , \"self\"] ;"),
        "{out}"
    );
    assert!(out.contains("Self { order_id : __field0 , type_ : __field1 , self_ : __field2 }"), "{out}");
    assert!(out.contains("pub order_id :"), "{out}");
    assert!(out.contains("pub type_ :"), "{out}");
    assert!(out.contains("pub self_ :"), "{out}");
}

#[test]
fn descriptions_become_docs() {
    let out = expand(&components("    S:\n      description: An order.\n      properties:\n        a: {type: string, description: The a.}\n    T:\n      properties: {b: {type: string}}\n"));
    assert!(out.contains("# [doc = \" An order.\"] # [derive"), "{out}");
    assert!(out.contains("# [doc = \" The a.\"]"), "{out}");
    assert!(out.contains("# [doc = \" The `T` schema of `t.yml`.\"]"), "{out}");
}

#[test]
fn recursion_is_boxed_only_through_plain_fields() {
    let m = lower_ok(&components(
        "    Node:\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n    A: {properties: {b: {$ref: '#/components/schemas/B'}}}\n    B: {properties: {a: {$ref: '#/components/schemas/A'}}}\n",
    ));
    let boxed = |n: &str| Ty::Boxed(Box::new(Ty::Named(n.into())));
    assert_eq!(field_ty(&m, "Node", "next").0, boxed("Node"));
    assert_eq!(field_ty(&m, "Node", "children").0, Ty::Vec(Box::new(Ty::Named("Node".into()))));
    assert_eq!(field_ty(&m, "A", "b").0, boxed("B"));
    assert_eq!(field_ty(&m, "B", "a").0, boxed("A"));
}

#[test]
fn aliases_for_non_object_components() {
    let out = expand(&components(
        "    Id: {type: string}\n    Ids: {type: array, items: {$ref: '#/components/schemas/Id'}}\n",
    ));
    assert!(out.contains("pub type Id = :: daplug_runtime :: __private :: std :: string :: String ;"), "{out}");
    assert!(out.contains("pub type Ids = :: daplug_runtime :: __private :: std :: vec :: Vec < Id > ;"), "{out}");
}

#[test]
fn x_daplug_metadata() {
    let out = expand(&components(
        "    O:\n      x-daplug: {hash_key: pk, range_key: n, hash_prefix: 't#', version: v, indexes: {by-s: {hash_key: s}}}\n      properties:\n        pk: {type: string}\n        n: {type: integer}\n        v: {type: string}\n        s: {type: string, enum: [a]}\n",
    ));
    assert!(
        out.contains(
            "pub struct OKey { pub pk : :: daplug_runtime :: __private :: std :: string :: String , pub n : i64 , }"
        ),
        "{out}"
    );
    assert!(out.contains("type Key = OKey ;"), "{out}");
    assert!(out.contains("name : \"n\" , key_type : :: daplug_runtime :: KeyType :: N"), "{out}");
    assert!(out.contains("name : \"by-s\""), "{out}");
    assert!(
        out.contains("idempotence_key : :: daplug_runtime :: __private :: std :: option :: Option :: Some (\"v\")"),
        "{out}"
    );
    let plain = expand(&components("    O: {properties: {a: {type: string}}}\n"));
    assert!(plain.contains("type Key = :: daplug_runtime :: __private :: serde_json :: Value ;"), "{plain}");
}

#[test]
fn x_daplug_errors() {
    let err = lower_err(&components(
        "    O:\n      x-daplug: {hash_key: nope, range_key: obj, tabel: x, indexes: {i: {range_key: a}}}\n      properties:\n        a: {type: string}\n        obj: {type: object}\n",
    ));
    assert!(err.contains("t.yml#/components/schemas/O/x-daplug/hash_key: unknown property `nope`"), "{err}");
    assert!(err.contains("key attribute `obj` must be a string, integer or number property"), "{err}");
    assert!(err.contains("unknown `x-daplug` key `tabel`"), "{err}");
    assert!(err.contains("x-daplug/indexes/i: index needs a `hash_key`"), "{err}");
}

#[test]
fn collisions_are_resolved_in_claim_order() {
    let m = lower_ok(&components("    order-item: {type: string}\n    OrderItem: {type: string}\n"));
    assert!(m.get("OrderItem").is_some() && m.get("OrderItem2").is_some());
    let m = lower_ok(&components(
        "    S:\n      properties:\n        orderId: {type: string}\n        order_id: {type: string}\n",
    ));
    assert_eq!(field_ty(&m, "S", "order_id").0, Ty::String);
    let TypeDef::Struct(s) = find(&m, "S") else { panic!("struct") };
    let fields: Vec<(&str, &str)> = s.fields.iter().map(|f| (f.ident.as_str(), f.wire_name.as_str())).collect();
    assert_eq!(fields, [("order_id", "orderId"), ("order_id_2", "order_id")]);
    let m = lower_ok(&components("    S: {type: string, enum: [ASC, asc, a-b, a_b]}\n"));
    let TypeDef::Enum(e) = find(&m, "S") else { panic!("enum") };
    let EnumKind::Strings(variants) = &e.kind else { panic!("strings") };
    let idents: Vec<&str> = variants.iter().map(|v| v.ident.as_str()).collect();
    assert_eq!(idents, ["Asc", "Asc2", "AB", "AB2"]);
    // A companion gives way to a component of that name; the component keeps it.
    let m = lower_ok(&components("    O: {properties: {a: {type: string}}}\n    OKey: {type: string}\n"));
    let TypeDef::Struct(o) = find(&m, "O") else { panic!("struct") };
    assert_eq!((o.companions.key.as_str(), o.companions.patch.as_str()), ("OKey2", "OPatch"));
    assert!(matches!(find(&m, "OKey"), TypeDef::Alias(_)));
    // A nested type gives way to a component, whatever their order in the file.
    let m = lower_ok(&components(
        "    R:\n      properties:\n        author: {properties: {x: {type: string}}}\n    RAuthor: {properties: {name: {type: string}}}\n",
    ));
    assert_eq!(field_ty(&m, "R", "author").0, Ty::Named("RAuthor2".into()));
    assert_eq!(field_ty(&m, "RAuthor", "name").0, Ty::String);
}

#[test]
fn unsupported_and_dangling() {
    let m = lower_ok(&components("    S: {properties: {a: {not: {type: string}}}}\n    N: {not: {type: string}}\n"));
    assert_eq!(field_ty(&m, "S", "a").0, Ty::Json);
    let TypeDef::Alias(n) = find(&m, "N") else { panic!("alias") };
    assert!(n.doc.contains("`not` constraint is not checked"), "{}", n.doc);
    let err = lower_err(&components("    S: {properties: {a: {$ref: '#/components/schemas/Nope'}}}\n"));
    assert!(
        err.contains("t.yml#/components/schemas/S/properties/a/$ref: dangling reference `#/components/schemas/Nope`"),
        "{err}"
    );
    let err = lower_err(&components("    S: {properties: {a: {type: file}}}\n"));
    assert!(err.contains("unsupported construct: type `file`"), "{err}");
    let err = lower_err("openapi: 3.0.0\n");
    assert!(err.contains("t.yml#/components/schemas: no schemas found"), "{err}");
}

#[test]
fn errors_from_several_schemas_are_collected() {
    let err = lower_err(&components("    A: {properties: {a: {items: 3}}}\n    B: {properties: {b: {$ref: '#/x'}}}\n"));
    assert!(
        err.contains("/A/properties/a/items: `items` must be a schema") && err.contains("/B/properties/b/$ref"),
        "{err}"
    );
}

#[test]
fn required_naming_no_property_is_ignored() {
    let m = lower_ok(&components("    S:\n      required: [a, ghost]\n      properties: {a: {type: string}}\n"));
    assert_eq!(field_ty(&m, "S", "a"), (Ty::String, false));
}

#[test]
fn output_is_deterministic_and_tracks_the_file() {
    let text = fixture("vectors-openapi.yml");
    assert_eq!(expand(&text), expand(&text));
    let mut module = lower_ok(&text);
    module.includes = vec!["/abs/openapi.yml".into()];
    let out = emit::module(&module).to_string();
    assert!(
        out.ends_with(
            "const _ : & str = :: daplug_runtime :: __private :: std :: include_str ! (\"/abs/openapi.yml\") ;"
        ),
        "{out}"
    );
}

#[test]
fn no_bare_std_paths_in_output() {
    let mut out = expand(&fixture("vectors-openapi.yml"));
    for path in [
        ":: std :: option :: Option :: Some",
        ":: std :: option :: Option :: None",
        ":: std :: string :: String",
        ":: std :: option :: Option",
        ":: std :: vec :: Vec",
        ":: std :: boxed :: Box",
        ":: std :: result :: Result",
        ":: std :: collections :: BTreeMap",
        // The decoders' optional-field marker (`__p::Optional<T>`), not std's `Option`.
        ":: Optional <",
        // A union's variant named after its type.
        "Self :: String",
    ] {
        out = out.replace(path, "");
    }
    for bare in [": String", "< String", ": Option", "< Option", "Vec <", "Box <", "Result <", "Some (", "None ,"] {
        assert!(
            !out.contains(bare),
            "bare `{bare}` in {}",
            out.find(bare).map(|at| &out[at.saturating_sub(200)..at + 50]).unwrap_or("")
        );
    }
    assert!(!out.contains("deny_unknown_fields"));
}

fn corpus_min(name: &str) -> Module {
    let path = format!("{}/tests/corpus/min/{name}", env!("CARGO_MANIFEST_DIR"));
    let spec = Spec::load_path(name, std::path::Path::new(&path), Span::call_site()).expect("loads");
    lower::lower(&spec).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn real_world_constructs_lower_to_the_types_a_person_would_write() {
    let named = |n: &str| Ty::Named(n.into());
    // Simplified unions and allOf annotations: no wrapper types, no collisions.
    let m = corpus_min("oneof-null-ref-collision.yml");
    assert_eq!(field_ty(&m, "RichEmbed", "author"), (named("RichEmbedAuthor"), true));
    let m = corpus_min("anyof-single-ref-nullable-collision.yml");
    assert_eq!(field_ty(&m, "Account", "business_profile"), (named("AccountBusinessProfile"), true));
    let m = corpus_min("anyof-nullable-scalar-collision.yml");
    assert_eq!(field_ty(&m, "Response", "output_text"), (Ty::String, true));
    let m = corpus_min("allof-ref-description-collision.yml");
    assert_eq!(field_ty(&m, "Event", "source").0, named("EventSource"));
    let m = corpus_min("allof-ref-to-oneof.yml");
    assert_eq!(field_ty(&m, "Holder", "x").0, named("AOrB"));
    let m = corpus_min("allof-oneof-null.yml");
    assert_eq!(field_ty(&m, "Job", "output_file"), (named("FileReference"), true));
    // Unions inside objects: every declared property survives; required lists of alternatives do not apply.
    let m = corpus_min("properties-with-oneof-constraints.yml");
    assert_eq!(field_ty(&m, "NiCategory", "ni_category"), (Ty::String, false));
    assert_eq!(field_ty(&m, "NiCategory", "ni_category_id"), (Ty::F64, true));
    assert_eq!(field_ty(&m, "NiCategory", "workplace_postcode"), (Ty::String, false));
    let TypeDef::Struct(ni) = find(&m, "NiCategory") else { panic!("struct") };
    assert!(ni.doc.contains("not checked"), "{}", ni.doc);
    let m = corpus_min("allof-anyof-plus-properties.yml");
    for field in ["a", "b", "stream_id"] {
        assert_eq!(field_ty(&m, "Event", field), (Ty::String, true), "{field}");
    }
    let m = corpus_min("properties-with-anyof-required.yml");
    assert_eq!(field_ty(&m, "ImageRef", "image_url"), (Ty::String, true));
    let m = corpus_min("not-required.yml");
    assert_eq!(field_ty(&m, "ImageRef", "file_id"), (Ty::String, true));
    // A discriminated union whose alternative is itself a union of objects is tagged: that
    // alternative by its schema name (no mapping), the inner union reading the entry as its own.
    let m = corpus_min("discriminator-alternative-is-oneof.yml");
    let (tag, alternatives) = union(&m, "InputItem");
    assert_eq!(tag.as_deref(), Some("type"));
    assert_eq!(alternatives, [("Item".to_owned(), vec!["Item".to_owned()]), ("C".to_owned(), vec!["C".to_owned()])]);
    // Integer enums from `const`s, named by their titles.
    let m = corpus_min("const-oneof-int-enum.yml");
    let TypeDef::Enum(actions) = find(&m, "ActionTypes") else { panic!("enum") };
    let EnumKind::Integers(variants) = &actions.kind else { panic!("integers") };
    let got: Vec<(&str, i64)> = variants.iter().map(|v| (v.ident.as_str(), v.value)).collect();
    assert_eq!(got, [("BlockMessage", 1), ("FlagToChannel", 2)]);
    // Collisions resolved: nested types and companions give way to components.
    let m = corpus_min("inline-enum-name-collision.yml");
    assert_eq!(field_ty(&m, "Classification", "template").0, named("ClassificationTemplate2"));
    let m = corpus_min("inline-anyof-two-refs-collision.yml");
    assert_eq!(
        field_ty(&m, "SetupIntentPaymentMethodOptions", "acss_debit").0,
        named("SetupIntentPaymentMethodOptionsAcssDebit2")
    );
    let m = corpus_min("key-suffix-collision.yml");
    let TypeDef::Struct(account) = find(&m, "ApiV2010Account") else { panic!("struct") };
    assert_eq!(account.companions.key, "ApiV2010AccountKey2");
    assert!(matches!(find(&m, "ApiV2010AccountKey"), TypeDef::Struct(_)));
    // 64-bit overflow in an unused keyword does not matter.
    let m = corpus_min("big-integer.yml");
    assert_eq!(field_ty(&m, "Req", "seed").0, Ty::I64);
    // External files: a component that is a `$ref` lends its name; a whole file is named by its stem.
    let m = corpus_min("external-ref.yml");
    assert!(matches!(find(&m, "Pet"), TypeDef::Struct(s) if s.model.is_some()));
    assert_eq!(m.includes.len(), 2);
    let m = corpus_min("external-ref-wholefile.yml");
    assert_eq!(field_ty(&m, "Holder", "kernel").0, named("ExternalRefKernel"));
}

#[test]
fn hostile_specs_are_errors_or_valid_code() {
    let err =
        lower_err(&components("    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n"));
    assert!(err.contains("`$ref` cycle"), "{err}");
    let err = lower_err(&components(
        "    A: {allOf: [{$ref: '#/components/schemas/B'}]}\n    B: {allOf: [{$ref: '#/components/schemas/A'}]}\n",
    ));
    assert!(err.contains("`$ref` cycle"), "{err}");
    let m = lower_ok(&components(
        "    A: {type: array, items: {$ref: '#/components/schemas/A'}}\n    M: {additionalProperties: {$ref: '#/components/schemas/M'}}\n",
    ));
    assert!(matches!(find(&m, "A"), TypeDef::Alias(a) if a.newtype));
    assert!(matches!(find(&m, "M"), TypeDef::Alias(a) if a.newtype));
    let err = lower_err(&components(
        "    O:\n      x-daplug: {hash_key: pk, range_key: pk}\n      properties: {pk: {type: string}}\n",
    ));
    assert!(err.contains("`hash_key` and `range_key` both name `pk`"), "{err}");
    let err = lower_err(&components("    O: {properties: [a, b]}\n"));
    assert!(err.contains("/components/schemas/O/properties: `properties` must be a map"), "{err}");
    let err = lower_err(&components("    O: {type: array, items: 3}\n"));
    assert!(err.contains("/components/schemas/O/items: `items` must be a schema"), "{err}");
    let err = lower_err(&components(
        "    C: {properties: {k: {type: string}}}\n    P:\n      oneOf: [{$ref: '#/components/schemas/C'}]\n      discriminator: {propertyName: k, mapping: {d: Dog}}\n",
    ));
    assert!(err.contains("/components/schemas/P/discriminator/mapping/d: dangling reference"), "{err}");
}

#[test]
fn descriptions_are_tidied_for_rustdoc() {
    let out = expand(&components(
        "    S:\n      description: \"Intro\\n\\n- first item\\ncontinued\\n-  second\\n     overindented\\n\\ttabbed\"\n      properties: {a: {type: string}}\n",
    ));
    assert!(out.contains("# [doc = \"   continued\"]"), "{out}");
    assert!(out.contains("# [doc = \" - second\"]"), "{out}");
    assert!(out.contains("# [doc = \"   overindented\"]"), "{out}");
    assert!(out.contains("# [doc = \"   tabbed\"]"), "{out}");
}

#[test]
fn a_subset_generates_what_its_schemas_reach_under_the_same_names() {
    let text = components(
        "    order-line: {properties: {sku: {type: string}}}\n    Order:\n      properties:\n        lines: {type: array, items: {$ref: '#/components/schemas/order-line'}}\n        customer: {properties: {name: {type: string}}}\n    Unrelated: {properties: {x: {type: string}}}\n    OrderCustomer: {type: string}\n",
    );
    let spec = spec(&text);
    let only = [("Order".to_owned(), Span::call_site())];
    let subset = lower::lower_only(&spec, Some(&only)).expect("lowers");
    let mut names: Vec<&str> = subset.defs.iter().map(TypeDef::name).collect();
    names.sort();
    // `OrderCustomer2`: the component `OrderCustomer` still claims its name although it is not generated.
    assert_eq!(names, ["Order", "OrderCustomer2", "OrderLine"]);
    let wrong = [("Ordr".to_owned(), Span::call_site()), ("orderline".to_owned(), Span::call_site())];
    let err = match lower::lower_only(&spec, Some(&wrong)) {
        Ok(_) => panic!("expected errors"),
        Err(err) => err.into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"),
    };
    assert!(err.contains("no schema named `Ordr`; did you mean `Order`"), "{err}");
    assert!(err.contains("no schema named `orderline`; did you mean `order-line`"), "{err}");
}

/// The variants of the union `name`, and its tag.
fn union(module: &Module, name: &str) -> (Option<String>, Vec<(String, Vec<String>)>) {
    let TypeDef::Enum(e) = find(module, name) else { panic!("{name} is not an enum") };
    let EnumKind::OneOf { tag, alternatives } = &e.kind else { panic!("{name} is not a union") };
    (tag.clone(), alternatives.iter().map(|a| (a.ident.clone(), a.tags.clone())).collect())
}

#[test]
fn untagged_unions_are_ordered_from_the_most_specific_and_merge_equivalents() {
    let m = lower_ok(&components(
        "    Known: {anyOf: [{type: string}, {type: string, enum: [low, high]}]}\n    Num: {oneOf: [{type: number}, {type: integer}]}\n    Any: {oneOf: [{}, {type: boolean}]}\n    Obj: {oneOf: [{type: object}, {$ref: '#/components/schemas/F'}]}\n    F: {type: object, required: [on], properties: {on: {type: boolean}}}\n    Ids: {oneOf: [{type: string, format: uuid}, {type: string, pattern: '^a'}]}\n    Wide: {oneOf: [{$ref: '#/components/schemas/F'}, {$ref: '#/components/schemas/G'}]}\n    G: {type: object, required: [on, off], properties: {on: {type: boolean}, off: {type: boolean}}}\n",
    ));
    let idents = |name: &str| union(&m, name).1.into_iter().map(|(i, _)| i).collect::<Vec<_>>();
    assert_eq!(idents("Known"), ["Variant1", "String"]);
    assert_eq!(idents("Num"), ["Integer", "Number"]);
    assert_eq!(idents("Any"), ["Boolean", "Variant0"]);
    assert_eq!(idents("Obj"), ["F", "Map"]);
    // G needs what F needs and more: tried first, or no input would ever be a G.
    assert_eq!(idents("Wide"), ["G", "F"]);
    // Two strings told apart by a format and a pattern: each read through its constraints.
    assert_eq!(idents("Ids"), ["String", "String2"]);
    assert!(matches!(find(&m, "IdsString"), TypeDef::Alias(a) if a.newtype && a.rules.is_some()));
    // Without the constraints checked, nothing tells them apart: one type, which says so.
    let m = lower_ok(&format!(
        "x-daplug: {{constraints: skip}}\n{}",
        components("    Ids: {oneOf: [{type: string, format: uuid}, {type: string, pattern: '^a'}]}\n")
    ));
    let TypeDef::Alias(ids) = find(&m, "Ids") else { panic!("an alias") };
    assert_eq!(ids.ty, Ty::String);
    assert!(ids.doc.contains("accept the same values"), "{}", ids.doc);
}

#[test]
fn discriminated_unions_take_tags_from_the_mapping_the_pinned_value_or_the_name() {
    let m = lower_ok(&components(
        "    A: {type: object, properties: {kind: {type: string, enum: [a-kind]}}}\n    B: {type: object, properties: {kind: {type: string}}}\n    C: {type: object, properties: {x: {type: string}}}\n    U:\n      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}, {$ref: '#/components/schemas/C'}]\n      discriminator: {propertyName: kind, mapping: {c1: '#/components/schemas/C', c2: C}}\n    P:\n      anyOf:\n        - {type: object, required: [t], properties: {t: {const: x}}}\n        - {type: object, required: [t], properties: {t: {enum: [y]}}}\n    S:\n      oneOf: [{$ref: '#/components/schemas/A'}, {type: string}]\n      discriminator: {propertyName: kind}\n",
    ));
    let (tag, alternatives) = union(&m, "U");
    assert_eq!(tag.as_deref(), Some("kind"));
    let tags: Vec<Vec<String>> = alternatives.into_iter().map(|(_, t)| t).collect();
    assert_eq!(tags, [vec!["a-kind".to_owned()], vec!["B".to_owned()], vec!["c1".to_owned(), "c2".to_owned()]]);
    // No discriminator, but a required property pinned per alternative: tagged by it.
    let (tag, alternatives) = union(&m, "P");
    assert_eq!(tag.as_deref(), Some("t"));
    assert_eq!(alternatives[1].1, ["y"]);
    // A string cannot carry a tag: untagged, and the docs say why.
    assert_eq!(union(&m, "S").0, None);
    let TypeDef::Enum(s) = find(&m, "S") else { panic!("enum") };
    assert!(s.doc.contains("discriminator is not used"), "{}", s.doc);
}

#[test]
fn inheritance_bases_are_the_enum_of_their_children() {
    let text = "    Pet:\n      type: object\n      required: [petType]\n      properties: {petType: {type: string}, name: {type: string}}\n      discriminator: {propertyName: petType}\n    Cat:\n      allOf: [{$ref: '#/components/schemas/Pet'}, {properties: {lives: {type: integer}}}]\n    Dog:\n      allOf: [{$ref: '#/components/schemas/Pet'}]\n    Lion:\n      allOf: [{$ref: '#/components/schemas/Cat'}, {properties: {pride: {type: string}}}]\n    Owner: {properties: {pet: {$ref: '#/components/schemas/Pet'}}}\n";
    let m = lower_ok(&components(text));
    let (tag, alternatives) = union(&m, "Pet");
    assert_eq!(tag.as_deref(), Some("petType"));
    // No mapping: the children by name, grandchildren too, and the base itself (concrete).
    let names: Vec<(&str, &str)> = alternatives.iter().map(|(i, t)| (i.as_str(), t[0].as_str())).collect();
    assert_eq!(names, [("Cat", "Cat"), ("Dog", "Dog"), ("Lion", "Lion"), ("PetBase", "Pet")]);
    assert_eq!(field_ty(&m, "Lion", "lives").0, Ty::I64);
    assert_eq!(field_ty(&m, "Dog", "name").0, Ty::String);
    assert_eq!(field_ty(&m, "Owner", "pet").0, Ty::Named("Pet".into()));
    // With a mapping that does not name the base, the base is abstract.
    let mapped = text.replace(
        "discriminator: {propertyName: petType}",
        "discriminator: {propertyName: petType, mapping: {cat: Cat, dog: Dog}}",
    );
    let m = lower_ok(&components(&mapped));
    let names: Vec<String> = union(&m, "Pet").1.into_iter().map(|(i, t)| format!("{i}={}", t.join("|"))).collect();
    assert_eq!(names, ["Cat=cat", "Dog=dog", "Lion=Lion"]);
    assert!(m.get("PetBase").is_none());
}

#[test]
fn pointers_through_refs_resolve_and_missing_steps_name_the_pointer() {
    let text = "paths:\n  /x:\n    get:\n      responses:\n        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/L'}}}}\ncomponents:\n  schemas:\n    L: {$ref: '#/components/schemas/P'}\n    P: {allOf: [{properties: {data: {$ref: '#/components/schemas/W'}}}]}\n    W: {type: object, properties: {kind: {type: string}}}\n    V: {type: object, properties: {kind: {type: string}}}\n    T:\n      oneOf: [{$ref: '#/components/schemas/W'}, {$ref: '#/components/schemas/V'}]\n      discriminator:\n        propertyName: kind\n        mapping: {w: '#/paths/~1x/get/responses/200/content/application~1json/schema/allOf/0/properties/data', v: V}\n    R: {$ref: '#/paths/~1x/get/responses/200/content/application~1json/schema/allOf/0/properties/data'}\n";
    let m = lower_ok(text);
    assert_eq!(union(&m, "T").1[0], ("W".to_owned(), vec!["w".to_owned()]));
    let TypeDef::Alias(r) = find(&m, "R") else { panic!("alias") };
    assert_eq!(r.ty, Ty::Named("W".into()));
    let err = lower_err(&text.replace("allOf/0/properties/data'}\n", "allOf/0/properties/nope'}\n"));
    assert!(err.contains("#/components/schemas/R/$ref: dangling reference"), "{err}");
    // A pointer through `$ref`s that refer to each other reaches nothing, and says so.
    let cycle = "    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n    R: {$ref: '#/components/schemas/A/properties/x'}\n";
    let err = lower_err(&components(cycle));
    assert!(err.contains("#/components/schemas/R/$ref: dangling reference"), "{err}");
}

#[test]
fn closed_objects_refuse_unknown_fields_unless_the_spec_opts_out() {
    let text = "    C: {type: object, additionalProperties: false, properties: {a: {type: string}}}\n    E: {type: object, additionalProperties: false}\n";
    let m = lower_ok(&components(text));
    let TypeDef::Struct(c) = find(&m, "C") else { panic!("struct") };
    assert!(c.deny_unknown);
    let TypeDef::Struct(e) = find(&m, "E") else { panic!("an empty closed struct") };
    assert!(e.deny_unknown && e.fields.is_empty());
    let m = lower_ok(&format!("x-daplug: {{unknown_fields: skip}}\n{}", components(text)));
    let TypeDef::Struct(c) = find(&m, "C") else { panic!("struct") };
    assert!(!c.deny_unknown);
    assert!(lower_err(&format!("x-daplug: {{unknown_fields: maybe}}\n{}", components(text)))
        .contains("expected `refuse` or `skip`"));
}

#[test]
fn constraints_are_merged_through_refs_and_all_of_and_can_be_skipped() {
    let text = "    Seats: {type: integer, minimum: 1, maximum: 10}\n    S:\n      properties:\n        a: {$ref: '#/components/schemas/Seats', maximum: 8, exclusiveMaximum: true}\n        b: {type: array, minItems: 1, items: {type: string, format: email, maxLength: 9}}\n        c: {type: string, format: int64}\n";
    let m = lower_ok(&components(text));
    let TypeDef::Struct(s) = find(&m, "S") else { panic!("struct") };
    let rules = |f: &str| s.fields.iter().find(|x| x.ident == f).and_then(|x| x.rules.clone());
    let a = rules("a").expect("rules");
    assert_eq!((a.minimum, a.maximum), (Some(("1".to_owned(), false)), Some(("8".to_owned(), true))));
    let b = rules("b").expect("rules");
    assert_eq!(b.min_items, Some(1));
    let items = b.items.expect("items");
    assert_eq!((items.format, items.max_length), (Some(daplug_rules::Format::Email), Some(9)));
    assert_eq!(rules("c"), None, "an unchecked format is no rule");
    assert!(s.validates);
    let skipped = lower_ok(&format!("x-daplug: {{formats: skip}}\n{}", components(text)));
    let TypeDef::Struct(s) = find(&skipped, "S") else { panic!("struct") };
    let b = s.fields.iter().find(|x| x.ident == "b").and_then(|x| x.rules.clone()).expect("rules");
    assert_eq!(b.items.and_then(|i| i.format), None);
    let none = lower_ok(&format!("x-daplug: {{constraints: skip}}\n{}", components(text)));
    let TypeDef::Struct(s) = find(&none, "S") else { panic!("struct") };
    assert!(s.fields.iter().all(|f| f.rules.is_none()) && !s.validates);
    let bad = lower_err(&components("    P: {type: string, pattern: '(unclosed'}\n"));
    assert!(bad.contains("#/components/schemas/P/pattern: the pattern `(unclosed` is not an ECMA-262"), "{bad}");
    let bad = lower_err(&components("    P: {properties: {n: {type: number, multipleOf: 0}}}\n"));
    assert!(bad.contains("multipleOf` must be greater than 0"), "{bad}");
}

#[test]
fn integer_widths_follow_format_and_range() {
    let m = lower_ok(&components(
        "    S:\n      properties:\n        a: {type: integer, format: uint64}\n        b: {type: integer, format: uint32}\n        c: {type: integer, minimum: 0, maximum: 18446744073709551615}\n        d: {type: integer, minimum: -1, maximum: 18446744073709551615}\n        e: {type: integer, format: int64}\n",
    ));
    let types = ["a", "b", "c", "d", "e"].map(|f| field_ty(&m, "S", f).0);
    assert_eq!(types, [Ty::U64, Ty::U32, Ty::U64, Ty::I64, Ty::I64]);
    assert!(
        expand(&components("    S:\n      properties:\n        a: {type: integer, format: uint64}\n")).contains("u64")
    );
}

#[test]
fn null_values_and_type_lists() {
    let m = lower_ok(&components(
        "    S:\n      properties:\n        a: {type: string, enum: [x, y, null]}\n        b: {enum: [null]}\n        c: {type: [boolean, string]}\n        d: {oneOf: [{enum: [null]}, {type: string}]}\n        e: {type: ['null']}\n      required: [a, b, c, d, e]\n",
    ));
    // A required, nullable field is an `Option` (`optional` is how a field says so).
    assert!(matches!(field_ty(&m, "S", "a"), (Ty::Named(_), true)));
    assert_eq!(field_ty(&m, "S", "b").0, Ty::Null);
    assert_eq!(field_ty(&m, "S", "e").0, Ty::Null);
    assert_eq!(field_ty(&m, "S", "d"), (Ty::String, true));
    let Ty::Named(c) = field_ty(&m, "S", "c").0 else { panic!("c is a union") };
    match find(&m, &c) {
        TypeDef::Enum(e) => match &e.kind {
            EnumKind::OneOf { tag: None, alternatives } => {
                let names: Vec<&str> = alternatives.iter().map(|a| a.ident.as_str()).collect();
                assert_eq!(names, ["Boolean", "String"]);
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn impossible_schemas_admit_nothing() {
    let m = lower_ok(&components(
        "    S:\n      properties:\n        a: false\n        b: {not: {}}\n        c: {type: string, enum: []}\n        d: {enum: [], nullable: true}\n        e: {not: {type: string}}\n",
    ));
    for f in ["a", "b", "c"] {
        assert_eq!(field_ty(&m, "S", f).0, Ty::Nothing, "{f}");
    }
    assert_ne!(field_ty(&m, "S", "d").0, Ty::Nothing);
    assert_eq!(field_ty(&m, "S", "e").0, Ty::Json);
}

#[test]
fn defaults_fill_absent_fields_and_must_fit() {
    let m = lower_ok(&components(
        "    S:\n      properties:\n        a: {type: integer, default: 3}\n        b: {type: string, default: x}\n        c: {$ref: '#/components/schemas/E'}\n        d: {type: array, items: {type: string}, default: []}\n        e: {type: integer}\n        f: {type: string, default: y, nullable: true}\n        g: {type: number, format: decimal, default: 12.50}\n    E: {type: string, enum: [on, off], default: off}\n",
    ));
    let TypeDef::Struct(s) = find(&m, "S") else { panic!("a struct") };
    let field = |name: &str| s.fields.iter().find(|f| f.ident == name).expect("field");
    assert_eq!(field("a").default, Some(Literal::Int("3".into())));
    assert!(!field("a").optional);
    assert_eq!(field("b").default, Some(Literal::Str("x".into())));
    assert_eq!(field("c").default, Some(Literal::Variant { ty: "E".into(), variant: "Off".into() }));
    assert_eq!(field("d").default, Some(Literal::List(Vec::new())));
    assert!(field("e").default.is_none() && field("e").optional);
    // Nullable: `null` and absent are both `None`; the default is not applied.
    assert!(field("f").default.is_none() && field("f").optional);
    assert_eq!(field("g").default, Some(Literal::Decimal("12.50".into())));
    let out = expand(&components("    S:\n      properties:\n        a: {type: integer, default: -3}\n"));
    assert!(out.contains("unwrap_or (- 3)"), "{out}");

    for (schema, message) in [
        ("{type: integer, default: x}", "expected an integer (i64), found a string"),
        ("{type: integer, format: int32, default: 3000000000}", "3000000000 is out of range for an integer (i32)"),
        ("{type: integer, minimum: 5, default: 3}", "3 is less than the minimum 5"),
        ("{type: string, enum: [a, b], default: c}", "`c` is not one of the values of `SA`"),
        ("{type: string, maxLength: 2, default: abc}", "more than the maximum length 2"),
        ("{type: array, items: {type: integer}, default: [1, x]}", "expected an integer (i64), found a string"),
    ] {
        let err = lower_err(&components(&format!("    S:\n      properties:\n        a: {schema}\n")));
        assert!(err.contains("t.yml#/components/schemas/S/properties/a/"), "{err}");
        assert!(err.contains(message), "{schema}: {err}");
    }
}

#[test]
fn all_of_scalars_is_their_intersection() {
    let m = lower_ok(&components(
        "    S:\n      properties:\n        a: {allOf: [{type: integer, minimum: 1}, {maximum: 10}]}\n        b: {allOf: [{type: number}, {type: integer}]}\n        c: {allOf: [{type: string, enum: [x, y, z]}, {enum: [y, z, w]}]}\n        d: {allOf: [{type: string}, {type: integer}]}\n        e: {allOf: [{enum: [x]}, {enum: [y]}]}\n        f: {allOf: [{$ref: '#/components/schemas/Short'}, {pattern: '^a'}]}\n    Short: {type: string, maxLength: 3}\n",
    ));
    let a = s_field(&m, "a");
    assert_eq!(a.ty, Ty::I64);
    let rules = a.rules.as_ref().expect("merged bounds");
    assert_eq!(
        (rules.minimum.as_ref().map(|b| b.0.as_str()), rules.maximum.as_ref().map(|b| b.0.as_str())),
        (Some("1"), Some("10"))
    );
    assert_eq!(s_field(&m, "b").ty, Ty::I64);
    let Ty::Named(c) = &s_field(&m, "c").ty else { panic!("c is an enum") };
    match find(&m, c) {
        TypeDef::Enum(e) => match &e.kind {
            EnumKind::Strings(vs) => assert_eq!(vs.iter().map(|v| v.wire.as_str()).collect::<Vec<_>>(), ["y", "z"]),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert_eq!(s_field(&m, "d").ty, Ty::Nothing);
    assert_eq!(s_field(&m, "e").ty, Ty::Nothing);
    let f = s_field(&m, "f");
    assert_eq!(f.ty, Ty::String);
    let rules = f.rules.as_ref().expect("merged rules");
    assert_eq!((rules.max_length, rules.patterns.len()), (Some(3), 1));
}

fn s_field<'a>(module: &'a Module, name: &str) -> &'a crate::ir::Field {
    match find(module, "S") {
        TypeDef::Struct(s) => s.fields.iter().find(|f| f.ident == name).unwrap_or_else(|| panic!("no field {name}")),
        other => panic!("S is not a struct: {other:?}"),
    }
}

#[test]
fn pattern_properties_and_property_names_check_keys() {
    let m = lower_ok(&components(
        "    S:\n      properties:\n        a: {type: object, patternProperties: {'^x': {type: integer}}, additionalProperties: false}\n        b: {type: object, patternProperties: {'^x': {type: integer}, '^y': {type: string}}, additionalProperties: false}\n        c: {type: object, additionalProperties: {type: string}, propertyNames: {minLength: 2}}\n        d: {type: object, patternProperties: {'^x': {type: integer}}}\n",
    ));
    let a = s_field(&m, "a");
    assert_eq!(a.ty, Ty::Map(Box::new(Ty::I64)));
    assert_eq!(a.rules.as_ref().and_then(|r| r.keys.as_ref()).map(|k| k.patterns.clone()), Some(vec!["^x".to_owned()]));
    let b = s_field(&m, "b");
    assert_eq!(b.ty, Ty::Map(Box::new(Ty::Json)));
    assert_eq!(
        b.rules.as_ref().and_then(|r| r.keys.as_ref()).map(|k| k.patterns.clone()),
        Some(vec!["(?:^x)|(?:^y)".to_owned()])
    );
    let c = s_field(&m, "c");
    assert_eq!(c.rules.as_ref().and_then(|r| r.keys.as_ref()).and_then(|k| k.min_length), Some(2));
    // Other keys allowed: any object, the patterns' values unchecked.
    assert_eq!(s_field(&m, "d").ty, Ty::Object);
    let err = lower_err(&components(
        "    S:\n      properties:\n        a: {type: object, patternProperties: {'a(': {}}, additionalProperties: false}\n",
    ));
    assert!(err.contains("/properties/a/patternProperties/a("), "{err}");
}

#[test]
fn closed_tuples_are_rust_tuples() {
    let m = lower_ok(&components(
        "    S:\n      properties:\n        a: {type: array, prefixItems: [{type: string}, {type: integer}], items: false}\n        b: {type: array, items: [{type: boolean}, {type: number, nullable: true}], additionalItems: false}\n        c: {type: array, prefixItems: [{type: string}]}\n        d: {type: array, prefixItems: [{type: string}, {type: string}], maxItems: 2}\n",
    ));
    assert_eq!(s_field(&m, "a").ty, Ty::Tuple(vec![Ty::String, Ty::I64]));
    assert_eq!(s_field(&m, "b").ty, Ty::Tuple(vec![Ty::Bool, Ty::Option(Box::new(Ty::F64))]));
    // Open: more items may follow; the positions are not typed.
    assert_eq!(s_field(&m, "c").ty, Ty::Vec(Box::new(Ty::Json)));
    assert_eq!(s_field(&m, "d").ty, Ty::Tuple(vec![Ty::String, Ty::String]));
    assert!(expand(&components(
        "    S:\n      properties:\n        a: {prefixItems: [{type: string}], items: false}\n"
    ))
    .contains("(:: daplug_runtime :: __private :: std :: string :: String ,)"));
}

#[test]
fn all_of_joins_a_property_declared_twice() {
    let m = lower_ok(&components(
        "    Base: {type: object, properties: {result: {type: string, enum: [success, failure]}, size: {type: integer, minimum: 1}, inner: {type: object, properties: {a: {type: string}}}, id: {type: string}}}\n    S:\n      allOf:\n        - {$ref: '#/components/schemas/Base'}\n        - {type: object, properties: {result: {enum: [success]}, size: {maximum: 5}, inner: {type: object, required: [b], properties: {b: {type: integer}}}, id: {type: integer}}}\n",
    ));
    let result = s_field(&m, "result");
    let Ty::Named(name) = &result.ty else { panic!("an enum: {:?}", result.ty) };
    match find(&m, name) {
        TypeDef::Enum(e) => match &e.kind {
            EnumKind::Strings(vs) => assert_eq!(vs.iter().map(|v| v.wire.as_str()).collect::<Vec<_>>(), ["success"]),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    let size = s_field(&m, "size");
    assert_eq!(size.ty, Ty::I64);
    let rules = size.rules.as_ref().expect("both bounds");
    assert!(rules.minimum.is_some() && rules.maximum.is_some());
    let Ty::Named(inner) = &s_field(&m, "inner").ty else { panic!("a struct") };
    let TypeDef::Struct(inner) = find(&m, inner) else { panic!("a struct") };
    let fields: Vec<(&str, bool)> = inner.fields.iter().map(|f| (f.wire_name.as_str(), f.optional)).collect();
    assert_eq!(fields, [("a", true), ("b", false)]);
    // A string and an integer: no value is both.
    assert_eq!(s_field(&m, "id").ty, Ty::Nothing);
}

#[test]
fn all_of_with_an_impossible_member_admits_nothing() {
    let m = lower_ok(&components(
        "    O: {type: object, properties: {a: {type: string}}}\n    S:\n      properties:\n        a: {allOf: [{$ref: '#/components/schemas/O'}, false]}\n        b: {allOf: [{$ref: '#/components/schemas/O'}, {not: {}}]}\n    N: {allOf: [{$ref: '#/components/schemas/O'}, false]}\n",
    ));
    assert_eq!(s_field(&m, "a").ty, Ty::Nothing);
    assert_eq!(s_field(&m, "b").ty, Ty::Nothing);
    assert!(matches!(find(&m, "N"), TypeDef::Alias(a) if a.ty == Ty::Nothing));
}

#[test]
fn a_union_with_x_daplug_is_a_family_and_its_variants_models() {
    let module = lower_ok(&fixture("families.yml"));
    let family = module.families.iter().find(|f| f.name == "OrderPart").expect("a family");
    assert_eq!(
        (family.key.as_str(), family.patch.as_str(), family.tag.as_str()),
        ("OrderPartKey", "OrderPartPatch", "kind")
    );
    assert_eq!(family.meta.hash_key.as_ref().map(|k| k.attr.wire.as_str()), Some("order_id"));
    assert_eq!(family.meta.hash_prefix.as_deref(), Some("ORDER#"));
    assert_eq!(family.meta.range_prefix, None, "the sort-key prefixes are the variants'");
    let indexes: Vec<&str> = family.meta.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(indexes, ["by_status", "by_carrier"], "the union's indexes and every variant's");
    let members: Vec<(&str, &str, Option<&str>, &[String])> = family
        .members
        .iter()
        .map(|m| (m.model.as_str(), m.schema_name.as_str(), m.range_prefix.as_deref(), m.tags.as_slice()))
        .collect();
    assert_eq!(members[1], ("LineItem", "LineItem", Some("LINE#"), &["line".to_owned()][..]));
    let TypeDef::Struct(line) = find(&module, "LineItem") else { panic!("a struct") };
    let meta = line.model.as_ref().expect("a variant is a model");
    assert_eq!(meta.range_key.as_ref().map(|k| k.attr.wire.as_str()), Some("sk"));
    assert_eq!((meta.hash_prefix.as_deref(), meta.range_prefix.as_deref()), (Some("ORDER#"), Some("LINE#")));
    assert_eq!(meta.idempotence_key.as_deref(), Some("version"));
    assert_eq!(meta.entity_tag, Some(("kind".to_owned(), vec!["line".to_owned()])));
    let out = expand(&fixture("families.yml"));
    assert!(out.contains("impl :: daplug_runtime :: Model for OrderPart"), "{out}");
    assert!(out.contains("pub enum OrderPartKey { # [allow (missing_docs)] Order (OrderKey)"), "{out}");
    assert!(out.contains("const ENTITY : :: daplug_runtime :: Entity"), "{out}");
}

#[test]
fn a_subset_naming_a_variant_generates_its_family_too() {
    let spec = spec(&fixture("families.yml"));
    let only = [("LineItem".to_owned(), Span::call_site())];
    let subset = lower::lower_only(&spec, Some(&only)).expect("lowers");
    let families: Vec<&str> = subset.families.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(families, ["OrderPart"]);
    let TypeDef::Struct(line) = find(&subset, "LineItem") else { panic!("a struct") };
    let meta = line.model.as_ref().expect("the variant is a model");
    // The same model as in the whole spec: the family's keys and partition prefix, its own sort prefix.
    assert_eq!(meta.hash_key.as_ref().map(|k| k.attr.wire.as_str()), Some("order_id"));
    assert_eq!((meta.hash_prefix.as_deref(), meta.range_prefix.as_deref()), (Some("ORDER#"), Some("LINE#")));
    assert_eq!(meta.entity_tag, Some(("kind".to_owned(), vec!["line".to_owned()])));
}

/// The family fixture with `edit` applied to its text.
fn family_with(edit: impl Fn(String) -> String) -> String {
    edit(fixture("families.yml"))
}

#[test]
fn families_that_cannot_keep_their_variants_apart_are_refused_at_their_pointers() {
    let overlap = lower_err(&family_with(|s| s.replace("range_prefix: \"SHIP#\"", "range_prefix: \"LINE#X\"")));
    assert!(
        overlap.contains("t.yml#/components/schemas/Shipment/x-daplug/range_prefix")
            && overlap.contains("`LINE#X` of `Shipment` starts with `LINE#`, the prefix of `LineItem`"),
        "{overlap}"
    );
    let same = lower_err(&family_with(|s| s.replace("range_prefix: \"SHIP#\"", "range_prefix: \"LINE#\"")));
    assert_eq!(same.matches("the sort-key prefix").count(), 1, "one error for two equal prefixes: {same}");
    let mixed = lower_err(&family_with(|s| s.replace("x-daplug: {range_prefix: \"ORDER#\"}", "")));
    assert!(mixed.contains("t.yml#/components/schemas/Order") && mixed.contains("has no `range_prefix`"), "{mixed}");
    let variant_keys = lower_err(&family_with(|s| {
        s.replace("x-daplug: {range_prefix: \"LINE#\"}", "x-daplug: {range_prefix: \"LINE#\", hash_prefix: \"L#\"}")
    }));
    assert!(
        variant_keys.contains("LineItem/x-daplug/hash_prefix") && variant_keys.contains("the partition is shared"),
        "{variant_keys}"
    );
    let missing_key = lower_err(&family_with(|s| {
        s.replace(
            "required: [kind, order_id, sk, carrier]\n      x-daplug:",
            "required: [kind, order_id, carrier]\n      x-daplug:",
        )
        .replace("        sk: {type: string}\n        carrier", "        carrier")
    }));
    assert!(
        missing_key.contains("OrderPart/x-daplug/range_key") && missing_key.contains("`Shipment`"),
        "{missing_key}"
    );
    let untagged = lower_err(&family_with(|s| {
        s.replace("      discriminator:\n        propertyName: kind\n        mapping:\n          order: \"#/components/schemas/Order\"\n          line: \"#/components/schemas/LineItem\"\n          shipment: \"#/components/schemas/Shipment\"\n", "")
    }));
    assert!(untagged.contains("OrderPart/x-daplug") && untagged.contains("no tag"), "{untagged}");
}
