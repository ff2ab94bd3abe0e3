//! The JSON API's routes and their OpenAPI 3.1 description, kept in one table: the router is built
//! from the same entries the document is written from, request bodies and query strings are
//! described from the handlers' own input types, so neither can leave the other behind.

use std::collections::BTreeMap;

use axum::routing::{delete, get, post, put, MethodRouter};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use crate::guard::Access;
use crate::{api, AppState};

/// One operation of the API.
pub(crate) struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Who may call it (checked by the guard before the handler runs).
    pub access: Access,
    /// The request body's JSON schema.
    pub body: Option<Value>,
    /// Query parameters as a JSON schema of an object (its properties become parameters).
    pub query: Option<Value>,
    /// The successful status and what it carries.
    pub success: (u16, &'static str, Value),
    /// Error statuses this operation may answer with, besides 401 for `signed_in` ones.
    pub errors: &'static [(u16, &'static str)],
    pub handler: MethodRouter<AppState>,
}

/// A schema for a handler's input type, inline (no `$defs`), without the meta-schema line.
fn schema_of<T: JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let mut v = generator.into_root_schema_for::<T>().to_value();
    if let Some(o) = v.as_object_mut() {
        o.remove("title");
    }
    v
}

fn component(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn nullable(v: Value) -> Value {
    json!({ "anyOf": [v, { "type": "null" }] })
}

/// Every API operation, in the order the document lists them.
pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint {
            method: "post",
            path: "/api/v1/tokens",
            summary: "Sign in with e-mail and password; the token is shown once. Repeated failures lock the account for a while.",
            access: Access::Anyone,
            body: Some(schema_of::<api::Credentials>()),
            query: None,
            success: (201, "A new API token, to send as `Authorization: Bearer TOKEN`.", component("Token")),
            errors: &[(401, "Wrong e-mail or password."), (429, "Locked after repeated failures.")],
            handler: post(api::create_token),
        },
        Endpoint {
            method: "delete",
            path: "/api/v1/tokens/current",
            summary: "End the token (or session) this request came with.",
            access: Access::SignedIn,
            body: None,
            query: None,
            success: (204, "Ended.", Value::Null),
            errors: &[],
            handler: delete(api::revoke_token),
        },
        Endpoint {
            method: "get",
            path: "/api/v1/reports",
            summary: "The reports the caller may see (their organisation's; all for the coordinator), a page at a time.",
            access: Access::Reports,
            body: None,
            query: Some(schema_of::<api::Page>()),
            success: (200, "One page of reports.", component("ReportPage")),
            errors: &[(404, "Viewers never receive single reports.")],
            handler: get(api::list_reports),
        },
        Endpoint {
            method: "post",
            path: "/api/v1/reports",
            summary: "Submit a route report for the caller's organisation, checked by the same rules as the form and the importer.",
            access: Access::Submit,
            body: Some(schema_of::<api::ReportInput>()),
            query: None,
            success: (201, "The stored report, with its id and resolved places.", component("Report")),
            errors: &[(403, "Viewers cannot submit."), (422, "The report is not valid; `details` holds one entry per field.")],
            handler: post(api::create_report),
        },
        Endpoint {
            method: "get",
            path: "/api/v1/reports/{id}",
            summary: "One report the caller may see.",
            access: Access::SignedIn,
            body: None,
            query: None,
            success: (200, "The report.", component("Report")),
            errors: &[(404, "No such report, or not one the caller may see.")],
            handler: get(api::get_report),
        },
        Endpoint {
            method: "put",
            path: "/api/v1/reports/{id}",
            summary: "Replace what a report says; its organisation and reference stay.",
            access: Access::SignedIn,
            body: Some(schema_of::<api::ReportInput>()),
            query: None,
            success: (200, "The report as stored now.", component("Report")),
            errors: &[(404, "No such report, or not one the caller may change."), (422, "The report is not valid.")],
            handler: put(api::update_report),
        },
        Endpoint {
            method: "delete",
            path: "/api/v1/reports/{id}",
            summary: "Delete a report.",
            access: Access::SignedIn,
            body: None,
            query: None,
            success: (204, "Deleted.", Value::Null),
            errors: &[(404, "No such report, or not one the caller may delete.")],
            handler: delete(api::delete_report),
        },
        Endpoint {
            method: "get",
            path: "/api/v1/analysis",
            summary: "The analysis document of `vjt analyze --json` for the caller's scope (the coordinator: everything; an organisation: its own reports). Viewers use releases instead (404).",
            access: Access::Figures,
            body: None,
            query: Some(schema_of::<api::AnalysisQuery>()),
            success: (
                200,
                "The analysis document (fields described in docs/analysis-json.md).",
                json!({ "type": "object" }),
            ),
            errors: &[(400, "A filter is not understood."), (404, "Viewers see releases, not live figures.")],
            handler: get(api::analysis),
        },
        Endpoint {
            method: "get",
            path: "/api/v1/releases",
            summary: "The network's releases, newest first: fixed, disclosure-controlled, signed packages of figures (docs/sharing.md).",
            access: Access::SignedIn,
            body: None,
            query: None,
            success: (200, "Every release with its files.", release_list_schema()),
            errors: &[],
            handler: get(api::releases),
        },
        Endpoint {
            method: "get",
            path: "/api/v1/releases/{id}/files/{*name}",
            summary: "One file of a release exactly as signed (its SHA-256 is in the list and in the `x-checksum-sha256` header); `name` may hold a folder (`dhis2/metadata.json`). Downloads are recorded.",
            access: Access::SignedIn,
            body: None,
            query: None,
            success: (200, "The file.", json!({ "type": "string", "format": "binary" })),
            errors: &[(404, "No such release or file, or a withdrawn release (kept for the coordinator).")],
            handler: get(api::release_file),
        },
        Endpoint {
            method: "get",
            path: "/api/v1/places/resolve",
            summary: "Where a place name resolves, with the best alternatives: for autocomplete.",
            access: Access::SignedIn,
            body: None,
            query: Some(schema_of::<api::ResolveQuery>()),
            success: (200, "The resolver's answer.", component("Resolution")),
            errors: &[(400, "The name is too long.")],
            handler: get(api::resolve),
        },
    ]
}

/// The API's routes, built from [`endpoints`].
pub(crate) fn routes() -> axum::Router<AppState> {
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for e in endpoints() {
        // Each method of a path carries its own access check.
        let handler = e.handler.route_layer(axum::middleware::from_fn_with_state(e.access, crate::guard::gate));
        let merged = match by_path.remove(e.path) {
            Some(existing) => existing.merge(handler),
            None => handler,
        };
        by_path.insert(e.path, merged);
    }
    let mut router = axum::Router::new().route("/api/v1/openapi.json", get(document));
    for (path, handler) in by_path {
        router = router.route(path, handler);
    }
    router
}

async fn document() -> axum::Json<Value> {
    axum::Json(openapi())
}

fn release_list_schema() -> Value {
    json!({
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "version", "title", "created_at", "rounds", "threshold", "withdrawn", "files"],
                    "properties": {
                        "id": { "type": "integer" },
                        "version": { "type": "integer", "description": "The how-manieth release of the same rounds." },
                        "title": { "type": "string" },
                        "created_at": { "type": "string", "format": "date-time" },
                        "rounds": { "type": "array", "items": { "type": "string" } },
                        "threshold": { "type": "integer", "description": "Counts from 1 to threshold−1 are hidden." },
                        "withdrawn": { "type": "boolean" },
                        "files": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "sha256", "bytes"],
                                "properties": {
                                    "name": { "type": "string" },
                                    "sha256": { "type": "string" },
                                    "bytes": { "type": "integer" }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

fn place_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "name", "kind", "county", "country"],
        "properties": {
            "id": { "type": "string", "description": "The gazetteer's id, e.g. ke-town-busia." },
            "name": { "type": "string" },
            "description": { "type": "string", "description": "Resolution answers only: the place in words (name, kind, county, country) in the asked language." },
            "kind": { "type": "string", "description": "world_region, country, province, county, sub_county, town, neighbourhood, city, border_crossing, seaport, airport." },
            "county": nullable(json!({
                "type": "object",
                "required": ["iso", "number", "name"],
                "properties": { "iso": { "type": "string" }, "number": { "type": "integer" }, "name": { "type": "string" } }
            })),
            "country": nullable(json!({
                "type": "object",
                "required": ["iso2", "name"],
                "properties": { "iso2": { "type": "string" }, "name": { "type": "string" } }
            })),
        }
    })
}

fn report_schema() -> Value {
    let text = || json!({ "type": "string" });
    let codes = || json!({ "type": "array", "items": { "type": "string" }, "description": "Vocabulary codes (docs/vocabularies.md)." });
    let count = || nullable(json!({ "type": "integer", "minimum": 0 }));
    json!({
        "type": "object",
        "required": ["id", "report_id", "round", "status", "stops", "exploitation_types", "sectors", "transport_modes",
            "recruitment_methods", "recruiter_relationship", "victims", "victims_below", "female", "male", "children",
            "adults", "period_start", "period_end", "source", "confidence", "notes", "created_at", "updated_at"],
        "properties": {
            "id": { "type": "integer" },
            "report_id": nullable(text()),
            "organisation": { "type": "string", "description": "Only for the coordinator and the submitting organisation." },
            "round": nullable(text()),
            "status": { "type": "string", "enum": ["submitted", "needs_review", "verified", "rejected"] },
            "stops": {
                "type": "array",
                "description": "The journey in travel order.",
                "items": {
                    "type": "object",
                    "required": ["role", "text", "place"],
                    "properties": {
                        "role": { "type": "string", "enum": ["origin", "transit", "destination", "exploitation"] },
                        "text": { "type": "string", "description": "The name exactly as reported." },
                        "place": nullable(component("Place")),
                    }
                }
            },
            "exploitation_types": codes(),
            "sectors": codes(),
            "transport_modes": codes(),
            "recruitment_methods": codes(),
            "recruiter_relationship": codes(),
            "victims": count(),
            "victims_below": { "description": "Set when the estimate was withheld as a small number: fewer than this.", "anyOf": [{ "type": "integer" }, { "type": "null" }] },
            "female": count(),
            "male": count(),
            "children": count(),
            "adults": count(),
            "period_start": nullable(json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$" })),
            "period_end": nullable(json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$" })),
            "source": text(),
            "confidence": text(),
            "notes": nullable(text()),
            "created_at": text(),
            "updated_at": text(),
        }
    })
}

fn components() -> Value {
    json!({
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message", "details"],
                        "properties": {
                            "code": { "type": "string", "description": "Stable: unauthenticated, invalid_credentials, locked, not_found, forbidden, invalid_report, bad_filter, bad_request, method_not_allowed, unsupported_media_type, invalid_request, too_large, too_long, csrf, busy, internal." },
                            "message": { "type": "string", "description": "In plain words." },
                            "details": { "description": "For invalid_report: one entry per field." },
                        }
                    }
                }
            },
            "Token": {
                "type": "object",
                "required": ["token"],
                "properties": { "token": { "type": "string" } }
            },
            "Place": place_schema(),
            "Report": report_schema(),
            "ReportPage": {
                "type": "object",
                "required": ["items", "limit", "next_after"],
                "properties": {
                    "items": { "type": "array", "items": component("Report") },
                    "limit": { "type": "integer" },
                    "next_after": { "description": "Pass as `after` for the next page; null on the last.", "anyOf": [{ "type": "integer" }, { "type": "null" }] },
                }
            },
            "Resolution": {
                "type": "object",
                "required": ["input", "status", "place", "score", "alternatives"],
                "properties": {
                    "input": { "type": "string" },
                    "status": { "type": "string", "enum": ["resolved", "unresolved"] },
                    "place": nullable(component("Place")),
                    "score": nullable(json!({ "type": "number" })),
                    "how": nullable(json!({
                        "type": "string",
                        "description": "How the place was found: custom, exact, alias, tidied, qualified, qualifier_only or fuzzy (a misspelling: ask the person to confirm).",
                    })),
                    "alternatives": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["place", "score"],
                            "properties": { "place": component("Place"), "score": { "type": "number" } }
                        }
                    },
                }
            }
        },
        "securitySchemes": {
            "token": { "type": "http", "scheme": "bearer", "description": "From POST /api/v1/tokens." }
        }
    })
}

fn operation(e: &Endpoint) -> Value {
    let mut op = Map::new();
    op.insert("summary".into(), e.summary.into());
    let mut parameters: Vec<Value> = Vec::new();
    if e.path.contains("{id}") {
        parameters.push(json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }));
    }
    if e.path.contains("{*name}") {
        parameters.push(json!({ "name": "name", "in": "path", "required": true, "schema": { "type": "string" },
            "description": "The file's path in the release, which may hold one folder (dhis2/metadata.json)." }));
    }
    if let Some(q) = &e.query {
        let required: Vec<&str> = q["required"].as_array().into_iter().flatten().filter_map(|r| r.as_str()).collect();
        for (name, schema) in q["properties"].as_object().into_iter().flatten() {
            let mut p =
                json!({ "name": name, "in": "query", "required": required.contains(&name.as_str()), "schema": schema });
            if let Some(d) = schema.get("description") {
                p["description"] = d.clone();
            }
            parameters.push(p);
        }
    }
    if !parameters.is_empty() {
        op.insert("parameters".into(), parameters.into());
    }
    if let Some(body) = &e.body {
        op.insert(
            "requestBody".into(),
            json!({ "required": true, "content": { "application/json": { "schema": body } } }),
        );
    }
    let mut responses = Map::new();
    let (status, description, schema) = &e.success;
    let mut ok = json!({ "description": description });
    if schema.get("format").and_then(Value::as_str) == Some("binary") {
        ok["content"] = json!({ "application/octet-stream": { "schema": schema } });
    } else if !schema.is_null() {
        ok["content"] = json!({ "application/json": { "schema": schema } });
    }
    responses.insert(status.to_string(), ok);
    let error = || json!({ "application/json": { "schema": component("Error") } });
    if e.access != Access::Anyone {
        responses.insert("401".into(), json!({ "description": "No valid token or session.", "content": error() }));
    }
    for (status, description) in e.errors {
        responses.insert(status.to_string(), json!({ "description": description, "content": error() }));
    }
    op.insert("responses".into(), responses.into());
    op.insert("security".into(), if e.access == Access::Anyone { json!([]) } else { json!([{ "token": [] }]) });
    op.into()
}

/// The OpenAPI 3.1 document served at `/api/v1/openapi.json`.
pub fn openapi() -> Value {
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for e in endpoints() {
        // The router's catch-all `{*name}` is an ordinary path parameter in OpenAPI.
        paths.entry(e.path.replace("{*", "{")).or_default().insert(e.method.to_string(), operation(&e));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "vjt — Victim Journey Tracker API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Route reports (never people), their places and their analysis. Every answer is limited to what the caller's role may see.",
            "license": { "name": env!("CARGO_PKG_LICENSE"), "identifier": env!("CARGO_PKG_LICENSE") }
        },
        "paths": paths,
        "components": components(),
    })
}
