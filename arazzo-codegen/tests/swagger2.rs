//! Swagger 2.0 source descriptions: the generator's checks apply to them as to OpenAPI 3.x ones,
//! and what cannot be converted is reported where it is in the Swagger file.

use arazzo_codegen::{Options, expand};

/// A Swagger 2.0 description: `createOrder` takes a closed `body` (through `$ref` to
/// `definitions`), `getOrder` a path and a query parameter; both answer a closed `Order`.
const SWAGGER: &str = r##"swagger: "2.0"
info: {title: Orders, version: "1"}
host: orders.example
basePath: /api
paths:
  /orders:
    post:
      operationId: createOrder
      parameters:
        - {name: order, in: body, required: true, schema: {$ref: "#/definitions/NewOrder"}}
      responses:
        "201": {description: created, schema: {$ref: "#/definitions/Order"}}
  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - {name: orderId, in: path, required: true, type: string}
        - {name: expand, in: query, type: boolean}
      responses:
        "200": {description: ok, schema: {$ref: "#/definitions/Order"}}
definitions:
  NewOrder:
    type: object
    additionalProperties: false
    required: [sku, quantity]
    properties:
      sku: {type: string}
      quantity: {type: integer}
  Order:
    type: object
    additionalProperties: false
    properties:
      id: {type: string}
      total: {type: number}
"##;

/// An Arazzo document over `orders.swagger.yml` whose workflow runs `steps`.
fn document(steps: &str) -> String {
    format!(
        r#"arazzo: 1.0.1
info: {{title: Flow, version: "1"}}
sourceDescriptions:
  - {{name: orders, url: orders.swagger.yml, type: openapi}}
workflows:
  - workflowId: flow
    steps:
{steps}
"#
    )
}

/// The diagnostics of `arazzo` next to `swagger`, as `file:line:col: message`.
fn messages(arazzo: &str, swagger: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("orders.swagger.yml"), swagger).expect("write swagger");
    std::fs::write(dir.path().join("flow.arazzo.yml"), arazzo).expect("write arazzo");
    expand("flow.arazzo.yml", &Options::new(dir.path()))
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

const CREATE: &str = r#"      - stepId: create
        operationId: createOrder
        requestBody:
          contentType: application/json
          payload:
            sku: A-1
            quantity: 2
        outputs:
          id: $response.body#/id"#;

#[test]
fn a_valid_document_over_a_swagger_description_checks_clean() {
    assert_eq!(messages(&document(CREATE), SWAGGER), Vec::<String>::new());
}

/// The `body` parameter's schema is the request body's (OpenAPI 3.0 Request Body Object), so
/// the closed-schema check applies to it: a member it does not have, one it requires.
#[test]
fn a_payload_is_checked_against_the_body_parameter_schema() {
    let steps = CREATE.replace("quantity: 2", "qty: 2");
    assert_eq!(
        messages(&document(&steps), SWAGGER),
        [
            "flow.arazzo.yml:13:13: the request body of operation `createOrder` requires `quantity`, which the payload does not set",
            "flow.arazzo.yml:14:13: the request body of operation `createOrder` has no property `qty`; expected one of `sku`, `quantity`",
        ]
    );
}

/// Swagger 2.0 parameters are the operation's parameters (an unknown one, a required path
/// parameter not set), and a response `schema` is the response's (a pointer it rules out).
#[test]
fn parameters_are_checked_against_the_swagger_operation() {
    let steps = r#"      - stepId: read
        operationId: getOrder
        parameters:
          - {name: expnad, in: query, value: true}
        outputs:
          total: $response.body#/totl"#;
    assert_eq!(
        messages(&document(steps), SWAGGER),
        [
            "flow.arazzo.yml:8:17: step `read` does not set the required path parameter `orderId` of operation `getOrder`",
            "flow.arazzo.yml:11:20: operation `getOrder` (`GET /orders/{orderId}`) has no parameter `expnad`; did you mean `expand`?",
            "flow.arazzo.yml:13:18: `$response.body#/totl`: the `200` response of operation `getOrder` has no property `totl`; did you mean `total`?",
        ]
    );
}

/// Swagger 2.0 Parameter Object: "Body and form parameters cannot exist together for the same
/// operation", and "There can be one "body" parameter at most". Each mistake is reported once,
/// at the Swagger file's line and column.
#[test]
fn body_and_form_parameters_together_are_reported_in_the_swagger_file() {
    let swagger = SWAGGER.replace(
        "        - {name: order, in: body, required: true, schema: {$ref: \"#/definitions/NewOrder\"}}\n",
        "        - {name: order, in: body, required: true, schema: {$ref: \"#/definitions/NewOrder\"}}\n        - {name: note, in: formData, type: string}\n        - {name: again, in: body, schema: {type: object}}\n",
    );
    assert_eq!(
        messages(&document(CREATE), &swagger),
        [
            "orders.swagger.yml:11:11: a `formData` parameter in an operation that has a `body` parameter (line 10); Swagger 2.0: body and form parameters cannot exist together for the same operation",
            "orders.swagger.yml:12:11: a second `body` parameter; Swagger 2.0 allows one per operation (the first is at line 10); describe the whole body in one `body` parameter's `schema`",
        ]
    );
}

/// Swagger 2.0 Security Scheme Object: `type` is `basic`, `apiKey` or `oauth2`, and an oauth2
/// `flow` is `implicit`, `password`, `application` or `accessCode`.
#[test]
fn security_definitions_that_do_not_exist_in_swagger_2_are_reported() {
    let swagger = format!(
        "{SWAGGER}securityDefinitions:\n  token:\n    type: bearer\n  partner:\n    type: oauth2\n    flow: clientCredentials\n    tokenUrl: /token\n    scopes: {{}}\n"
    );
    assert_eq!(
        messages(&document(CREATE), &swagger),
        [
            "orders.swagger.yml:37:11: security scheme type `bearer` does not exist in Swagger 2.0; expected one of `basic`, `apiKey`, `oauth2`",
            "orders.swagger.yml:40:11: oauth2 flow `clientCredentials` does not exist in Swagger 2.0; expected one of `implicit`, `password`, `application`, `accessCode`",
        ]
    );
}

/// `collectionFormat: tsv` has no OpenAPI 3 `style`: a clear error rather than an array sent
/// in another format.
#[test]
fn a_collection_format_openapi_3_cannot_send_is_reported() {
    let swagger = SWAGGER.replace(
        "        - {name: expand, in: query, type: boolean}\n",
        "        - {name: expand, in: query, type: boolean}\n        - {name: fields, in: query, type: array, items: {type: string}, collectionFormat: tsv}\n",
    );
    assert_eq!(
        messages(&document(CREATE), &swagger),
        [
            "orders.swagger.yml:19:91: `collectionFormat: tsv` of the query parameter `fields` is not supported: OpenAPI 3 has no way to send it; expected one of `csv`, `ssv`, `pipes`, `multi`"
        ]
    );
}

/// Swagger Object: "The value MUST be "2.0"". Another version is reported at the `url` that
/// names the file.
#[test]
fn another_swagger_version_is_refused_at_the_url() {
    let swagger = SWAGGER.replace("swagger: \"2.0\"", "swagger: \"3.0\"");
    assert_eq!(
        messages(&document(CREATE), &swagger),
        [
            "flow.arazzo.yml:4:25: `orders.swagger.yml` is Swagger `3.0`; only Swagger 2.0 and OpenAPI 3.x descriptions are supported"
        ]
    );
}

/// A Swagger description split across files (Swagger 2.0 File Structure: "parts of the
/// definitions can be split into separate files"): a path item and a definition in another
/// file, which refers back to this one's `definitions`.
#[test]
fn a_swagger_description_split_across_files_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let main = r##"swagger: "2.0"
info: {title: Orders, version: "1"}
paths:
  /orders/{orderId}:
    $ref: "paths.yml#/order"
definitions:
  Money:
    type: object
    properties:
      amount: {type: number}
"##;
    let paths = r##"order:
  get:
    operationId: getOrder
    parameters:
      - {name: orderId, in: path, required: true, type: string}
    responses:
      "200":
        description: ok
        schema:
          type: object
          properties:
            total: {$ref: "orders.swagger.yml#/definitions/Money"}
"##;
    std::fs::write(dir.path().join("orders.swagger.yml"), main).expect("write");
    std::fs::write(dir.path().join("paths.yml"), paths).expect("write");
    let steps = r#"      - stepId: read
        operationId: getOrder
        parameters:
          - {name: orderId, in: path, value: o-1}
        outputs:
          amount: $response.body#/total/amount"#;
    let arazzo = document(steps) + "    outputs:\n      amount: $steps.read.outputs.amount\n";
    std::fs::write(dir.path().join("flow.arazzo.yml"), arazzo).expect("write");
    let expansion = expand("flow.arazzo.yml", &Options::new(dir.path()));
    let messages: Vec<String> = expansion
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(messages, Vec::<String>::new());
    let code = expansion.tokens.to_string();
    assert!(code.contains("pub amount : f64"), "{code}");
}
