//! `oauth2` and `openIdConnect` security schemes in the clean corpus: what the generator emits
//! for each operation's security requirement.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand_to_string};

fn ledger() -> String {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean/oauth2-security");
    expand_to_string("ledger.arazzo.yaml", &Options::new(dir)).expect("expands")
}

/// The `static OPERATION` of `operation_id`, as emitted.
fn operation<'a>(code: &'a str, operation_id: &str) -> &'a str {
    let id = format!("id: \"{operation_id}\"");
    let start = code
        .find(&id)
        .unwrap_or_else(|| panic!("no {operation_id}:\n{code}"));
    let end = code[start..]
        .find("};")
        .map_or(code.len(), |end| start + end);
    &code[start..end]
}

/// Without whitespace and trailing commas: the code as tokens, however it was laid out.
fn squeezed(text: &str) -> String {
    let joined: String = text.split_whitespace().collect();
    joined
        .replace(",)", ")")
        .replace(",}", "}")
        .replace(",]", "]")
}

/// OpenAPI Security Requirement Object: for `oauth2` / `openIdConnect` the value lists the scopes
/// required; alternatives are the array's items; all schemes of one item apply together.
#[test]
fn oauth2_flows_and_the_operations_scopes_are_emitted() {
    let code = ledger();
    let add = squeezed(operation(&code, "addEntry"));
    let oauth2 = "::arazzo_runtime::SecurityScheme::OAuth2 { scheme: \"partner\", \
        flows: ::arazzo_runtime::OAuthFlows { \
        client_credentials: ::std::option::Option::Some(::arazzo_runtime::OAuthFlow { \
        token_url: \"https://auth.ledger.example.com/token\", \
        refresh_url: ::std::option::Option::None, }), \
        password: ::std::option::Option::None, \
        authorization_code: ::std::option::Option::Some(::arazzo_runtime::OAuthFlow { \
        token_url: \"https://auth.ledger.example.com/token\", \
        refresh_url: ::std::option::Option::Some(\"https://auth.ledger.example.com/refresh\"), }), }, \
        scopes: &[\"entries:write\"], }";
    assert!(add.contains(&squeezed(oauth2)), "{add}");
    let oidc = "::arazzo_runtime::SecurityScheme::OpenIdConnect { scheme: \"sso\", \
        url: \"https://auth.ledger.example.com/.well-known/openid-configuration\", \
        scopes: &[\"openid\", \"entries\"], }, ::arazzo_runtime::SecurityScheme::ApiKey";
    assert!(add.contains(&squeezed(oidc)), "{add}");
}

/// The document's top-level `security` applies where an operation has none; an empty scope list
/// asks for a token without `scope` (RFC 6749 §3.3: the server's default).
#[test]
fn the_documents_security_applies_with_its_empty_scopes() {
    let code = ledger();
    let list = squeezed(operation(&code, "listEntries"));
    assert!(list.contains("scheme:\"partner\""), "{list}");
    assert!(list.contains("scopes:&[]}"), "{list}");
}
