//! The Arazzo specification's example workflows (`tests/fixtures/spec/`, each corrected where it
//! was wrong; every file's header lists its corrections), compiled by the macro and run over real
//! HTTP against small servers implementing their OpenAPI descriptions (`tests/spec_servers/`).
//! Each test checks what the servers received and what the workflow returned.

// Shared with `spec_bnpl.rs`, which uses parts this file does not.
#[allow(dead_code)]
mod spec_servers;
mod support;

use arazzo_runtime::{Client, Error};
use serde_json::{Value, json};
use spec_servers::{Received, Server, bnpl, fapi, oauth, owned, pets, zoo};

mod pet_coupons {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/spec/pet-coupons.arazzo.yaml");
}

mod oauth_flows {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/spec/oauth.arazzo.yaml");
}

mod fapi_par {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/spec/FAPI-PAR.arazzo.yaml");
}

mod bnpl_loan {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/spec/bnpl-arazzo.yaml");
}

mod login_pets {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/spec/LoginAndRetrievePets.arazzo.yaml");
}

mod extended_parameters {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/spec/ExtendedParametersExample.arazzo.yaml");
}

fn step_of(error: &Error) -> Option<&'static str> {
    error.context().map(|c| c.step)
}

// ---------------------------------------------------------------------------------------------
// pet-coupons: nested `place-order` workflow, reusable parameters, security alternatives
// ---------------------------------------------------------------------------------------------

fn pet_client(server: &Server) -> Client {
    Client::builder()
        .server("pet-coupons", &server.base_url)
        .bearer("petstore_auth", "pet-token")
        .api_key("api_key", "pet-key")
        .build()
        .expect("client")
}

/// An order as the store received it: a JSON body with no credentials.
fn assert_order(request: &Received, expected: Value) {
    assert_eq!(request.line(), "POST /petstore/store/order");
    assert_eq!(
        request.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        request.header("authorization"),
        None,
        "placeOrder is public"
    );
    assert_eq!(request.header("api_key"), None);
    let mut body = request.json();
    // An input the caller left out is not a value to order: absent or null, nothing else.
    if let Some(order) = body.as_object_mut() {
        order.retain(|name, value| {
            !(value.is_null() && ["quantity", "couponCode"].contains(&name.as_str()))
        });
    }
    assert_eq!(body, expected);
}

#[tokio::test]
async fn pet_coupons_apply_coupon_finds_a_pet_then_its_coupon_and_orders_through_place_order() {
    let server = pets::start().await;
    let out = pet_coupons::apply_coupon(
        &pet_client(&server),
        pet_coupons::ApplyCouponInputs {
            my_pet_tags: Some(vec!["puppy".into(), "dalmatian".into()]),
            store_id: Some("pets.example.com".into()),
        },
    )
    .await
    .expect("apply-coupon");
    let order_id: i64 = out.apply_coupon_pet_order_id;
    assert_eq!(order_id, 1001);

    let received = server.received();
    assert_eq!(
        server.lines(),
        [
            "GET /petstore/pet/findByTags",
            "GET /petstore/pet/7/coupons",
            "POST /petstore/store/order",
        ]
    );
    // An array input repeats the query parameter (`explode: true`).
    assert_eq!(
        received[0].query(),
        owned(&[("tags", "puppy"), ("tags", "dalmatian")])
    );
    // findPetsByTags asks for petstore_auth only; getPetCoupons for api_key or petstore_auth,
    // and the first alternative the client has a credential for is used.
    assert_eq!(
        received[0].header("authorization").as_deref(),
        Some("Bearer pet-token")
    );
    assert_eq!(received[0].header("api_key"), None);
    assert_eq!(received[1].header("api_key").as_deref(), Some("pet-key"));
    assert_eq!(received[1].header("authorization"), None);
    // The nested workflow got the pet from the first step and the coupon from the second.
    assert_order(
        &received[2],
        json!({"petId": 7, "couponCode": "PUPPY10", "status": "placed", "complete": false}),
    );
}

#[tokio::test]
async fn pet_coupons_apply_coupon_stops_at_find_coupons_when_the_pet_has_none() {
    let server = pets::start().await;
    let error = pet_coupons::apply_coupon(
        &pet_client(&server),
        pet_coupons::ApplyCouponInputs {
            my_pet_tags: Some(vec!["kitten".into()]),
            store_id: None,
        },
    )
    .await
    .expect_err("pet 8 has no coupon");
    assert!(
        matches!(
            &error,
            Error::CriterionFailed {
                status: 404,
                criterion: "$statusCode == 200",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(step_of(&error), Some("find-coupons"));
    assert_eq!(
        server.lines(),
        [
            "GET /petstore/pet/findByTags",
            "GET /petstore/pet/8/coupons"
        ],
        "no order is placed"
    );
}

#[tokio::test]
async fn pet_coupons_buy_available_pet_overrides_reusable_paging_parameters_and_reuses_place_order()
{
    let server = pets::start().await;
    let out = pet_coupons::buy_available_pet(
        &pet_client(&server),
        pet_coupons::BuyAvailablePetInputs { store_id: None },
    )
    .await
    .expect("buy-available-pet");
    assert_eq!(out.buy_pet_order_id, 1001);

    let received = server.received();
    assert_eq!(
        server.lines(),
        [
            "GET /petstore/pet/findByStatus",
            "POST /petstore/store/order"
        ]
    );
    // `page` and `pageSize` come from components, with the step's values (1 and 10, not the
    // components' 1 and 100).
    assert_eq!(
        received[0].query(),
        owned(&[("status", "available"), ("page", "1"), ("pageSize", "10")])
    );
    assert_eq!(
        received[0].header("authorization").as_deref(),
        Some("Bearer pet-token")
    );
    assert_order(
        &received[1],
        json!({"petId": 7, "status": "placed", "complete": false}),
    );
}

#[tokio::test]
async fn pet_coupons_place_order_on_its_own_sends_every_input() {
    let server = pets::start().await;
    let client = pet_client(&server);
    let first = pet_coupons::place_order(
        &client,
        pet_coupons::PlaceOrderInputs {
            pet_id: Some(9),
            quantity: Some(2),
            coupon_code: Some("SPRING5".into()),
        },
    )
    .await
    .expect("place-order");
    let second = pet_coupons::place_order(
        &client,
        pet_coupons::PlaceOrderInputs {
            pet_id: Some(8),
            quantity: Some(1),
            coupon_code: None,
        },
    )
    .await
    .expect("place-order");
    assert_eq!(
        (first.workflow_order_id, second.workflow_order_id),
        (1001, 1002)
    );
    let received = server.received();
    assert_order(
        &received[0],
        json!({"petId": 9, "quantity": 2, "couponCode": "SPRING5", "status": "placed", "complete": false}),
    );
    assert_order(
        &received[1],
        json!({"petId": 8, "quantity": 1, "status": "placed", "complete": false}),
    );
}

// ---------------------------------------------------------------------------------------------
// oauth: authorization code, refresh (a step calling the code flow), client credentials
// ---------------------------------------------------------------------------------------------

const REDIRECT_URI: &str = "https://app.example.com/callback";

fn oauth_client(server: &Server) -> Client {
    Client::builder()
        .server("apim-auth", &server.base_url)
        .build()
        .expect("client")
}

fn assert_form_post(request: &Received, expected: &[(&str, &str)]) {
    assert_eq!(request.line(), "POST /auth/oauth/token");
    assert_eq!(
        request.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.form(), owned(expected));
}

#[tokio::test]
async fn oauth_authorization_code_flow_exchanges_the_code_from_authorize_for_tokens() {
    let server = oauth::OAuthServer::start().await;
    let out = oauth_flows::authorization_code_flow(
        &oauth_client(&server.server),
        oauth_flows::AuthorizationCodeFlowInputs {
            client_id: Some("app-1".into()),
            client_secret: Some("s3cret & more".into()),
            redirect_uri: Some(REDIRECT_URI.into()),
        },
    )
    .await
    .expect("authorization-code-flow");
    let (access, refresh, expires): (String, String, i64) =
        (out.access_token, out.refresh_token, out.expires_in);
    assert_eq!(
        (access.as_str(), refresh.as_str(), expires),
        ("access-2", "refresh-2", 3600)
    );

    let received = server.server.received();
    assert_eq!(
        server.server.lines(),
        ["GET /auth/authorize", "POST /auth/oauth/token"]
    );
    assert_eq!(
        received[0].query(),
        owned(&[
            ("client_id", "app-1"),
            ("redirect_uri", REDIRECT_URI),
            ("response_type", "code"),
            ("scope", "read"),
            ("state", "12345"),
        ])
    );
    assert_form_post(
        &received[1],
        &[
            ("grant_type", "authorization_code"),
            ("code", "code-1"),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", "app-1"),
            ("client_secret", "s3cret & more"),
        ],
    );
}

#[tokio::test]
async fn oauth_refresh_token_flow_runs_the_code_flow_then_refreshes_its_refresh_token() {
    let server = oauth::OAuthServer::start().await;
    let out = oauth_flows::refresh_token_flow(
        &oauth_client(&server.server),
        oauth_flows::RefreshTokenFlowInputs {
            my_client_id: Some("app-1".into()),
            my_client_secret: Some("s3cret".into()),
            my_redirect_uri: Some(REDIRECT_URI.into()),
        },
    )
    .await
    .expect("refresh-token-flow");
    // The outputs are the refreshed tokens, not the ones the code flow got.
    assert_eq!(out.access_token, "access-3");
    assert_eq!(out.refresh_token, "refresh-3");
    assert_eq!(out.expires_in, 3600);

    let received = server.server.received();
    assert_eq!(
        server.server.lines(),
        [
            "GET /auth/authorize",
            "POST /auth/oauth/token",
            "POST /auth/oauth/token"
        ]
    );
    // The nested workflow got the caller's inputs under its own names.
    assert_eq!(received[0].query_value("client_id"), "app-1");
    assert_eq!(received[0].query_value("redirect_uri"), REDIRECT_URI);
    assert_eq!(
        received[1].form()[0],
        ("grant_type".into(), "authorization_code".into())
    );
    assert_form_post(
        &received[2],
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "refresh-2"),
            ("client_id", "app-1"),
            ("client_secret", "s3cret"),
        ],
    );
}

#[tokio::test]
async fn oauth_refresh_token_flow_fails_at_the_refresh_when_the_server_refuses_it() {
    let server = oauth::OAuthServer::start().await;
    server.revoke_refresh_tokens();
    let error = oauth_flows::refresh_token_flow(
        &oauth_client(&server.server),
        oauth_flows::RefreshTokenFlowInputs {
            my_client_id: Some("app-1".into()),
            my_client_secret: Some("s3cret".into()),
            my_redirect_uri: Some(REDIRECT_URI.into()),
        },
    )
    .await
    .expect_err("the refresh token is refused");
    assert!(
        matches!(
            &error,
            Error::CriterionFailed {
                status: 400,
                criterion: "$statusCode == 200",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(step_of(&error), Some("do-the-refresh"));
    assert!(error.to_string().contains("invalid_grant"), "{error}");
    assert_eq!(server.server.lines().len(), 3);
}

#[tokio::test]
async fn oauth_client_credentials_flow_posts_the_client_credentials_form() {
    let server = oauth::OAuthServer::start().await;
    let out = oauth_flows::client_credentials_flow(
        &oauth_client(&server.server),
        oauth_flows::ClientCredentialsFlowInputs {
            client_id: Some("service-9".into()),
            client_secret: Some("machine-secret".into()),
        },
    )
    .await
    .expect("client-credentials-flow");
    assert_eq!(out.access_token, "access-1");
    assert_form_post(
        &server.server.received()[0],
        &[
            ("client_id", "service-9"),
            ("client_secret", "machine-secret"),
            ("grant_type", "client_credentials"),
        ],
    );
}

#[tokio::test]
async fn oauth_a_token_response_without_an_access_token_fails_the_jsonpath_criterion() {
    let server = oauth::OAuthServer::start().await;
    // Absent, then null: the corrected criterion refuses both.
    for client_id in [oauth::TOKENLESS_CLIENT, oauth::NULL_TOKEN_CLIENT] {
        let error = oauth_flows::client_credentials_flow(
            &oauth_client(&server.server),
            oauth_flows::ClientCredentialsFlowInputs {
                client_id: Some(client_id.into()),
                client_secret: Some("machine-secret".into()),
            },
        )
        .await
        .expect_err("200 without an access token");
        assert!(
            matches!(
                &error,
                Error::CriterionFailed {
                    status: 200,
                    criterion: "$[?@.access_token && @.access_token != null]",
                    ..
                }
            ),
            "{client_id}: {error:?}"
        );
        assert_eq!(step_of(&error), Some("get-client-creds-token"));
    }
}

// ---------------------------------------------------------------------------------------------
// FAPI-PAR: pushed authorization request, authorization redirect, token exchange
// ---------------------------------------------------------------------------------------------

const TPP_REDIRECT: &str = "https://tpp.example.com/cb";
const CLIENT_ID: &str = "tpp-client-1";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn fapi_inputs(code_verifier: &str) -> fapi_par::OidcParAuthzCodeInputs {
    fapi_par::OidcParAuthzCodeInputs {
        client_id: Some(CLIENT_ID.into()),
        client_assertion: Some(fapi_par::OidcParAuthzCodeInputsClientAssertion {
            iss: Some(CLIENT_ID.into()),
            sub: Some(CLIENT_ID.into()),
            aud: Some(fapi::ISSUER.into()),
            exp: Some("1900000000".into()),
            iat: Some("1800000000".into()),
            jti: Some("jti-1".into()),
        }),
        redirect_uri: Some(TPP_REDIRECT.into()),
        code_verifier: Some(code_verifier.into()),
        pa_rrequest_body: fapi_par::OidcParAuthzCodeInputsPaRrequestBody {
            response_type: Some("code".into()),
            client_id: Some(CLIENT_ID.into()),
            sub: None,
            scope: Some("openid accounts".into()),
            prompt: None,
            code_challenge_method: Some("plain".into()),
            code_challenge: Some(VERIFIER.into()),
            state: Some("af0ifjsldkj".into()),
            nonce: Some("n-0S6_WzA2Mj".into()),
            redirect_uri: Some(TPP_REDIRECT.into()),
            consent_id: Some("consent-42".into()),
        },
        // Required by the example's inputs, though no step reads it (the token step writes its
        // own body).
        token_request_body: fapi_par::OidcParAuthzCodeInputsTokenRequestBody {
            grant_type: "authorization_code".into(),
            code: "unused".into(),
            redirect_uri: TPP_REDIRECT.into(),
            code_verifier: code_verifier.into(),
        },
    }
}

fn fapi_client(server: &Server) -> Client {
    Client::builder()
        .server("auth-api", &server.base_url)
        .build()
        .expect("client")
}

/// The client authentication both POST endpoints receive in the query, and the form media type,
/// which the steps do not name: it comes from the operation's request body.
fn assert_client_authentication(request: &Received) {
    assert_eq!(
        request.header_values("content-type"),
        ["application/x-www-form-urlencoded"]
    );
    assert_eq!(request.query_value("client_id"), CLIENT_ID);
    assert_eq!(
        request.query_value("client_assertion_type"),
        fapi::ASSERTION_TYPE
    );
    // A parameter with `content: application/json` carries the object as JSON text.
    let assertion: Value =
        serde_json::from_str(&request.query_value("client_assertion")).expect("JSON assertion");
    assert_eq!(
        assertion,
        json!({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": fapi::ISSUER,
               "exp": "1900000000", "iat": "1800000000", "jti": "jti-1"})
    );
}

#[tokio::test]
async fn fapi_par_pushes_the_request_takes_the_code_from_the_redirect_and_exchanges_it_for_tokens()
{
    let server = fapi::start().await;
    let out = fapi_par::oidc_par_authz_code(&fapi_client(&server), fapi_inputs(VERIFIER))
        .await
        .expect("OIDC-PAR-AuthzCode");
    assert_eq!(out.access_token, json!("fapi-access-3"));
    // The token response is typed from the description's schema: the members it lists are kept,
    // the others the server sent (`refresh_token`, `id_token`) are not part of the type.
    assert_eq!(
        serde_json::to_value(&out.token_response).expect("serialises"),
        json!({
            "access_token": "fapi-access-3",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "openid accounts",
        })
    );

    let received = server.received();
    assert_eq!(
        server.lines(),
        [
            "POST /fapi/as/par.oauth2",
            "GET /fapi/as/authorize.oauth2",
            "POST /fapi/as/token.oauth2",
        ]
    );
    // PAR: the request object's members as a form (absent ones left out), in schema order.
    assert_client_authentication(&received[0]);
    assert_eq!(
        received[0].form(),
        owned(&[
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("scope", "openid accounts"),
            ("code_challenge_method", "plain"),
            ("code_challenge", VERIFIER),
            ("state", "af0ifjsldkj"),
            ("nonce", "n-0S6_WzA2Mj"),
            ("redirect_uri", TPP_REDIRECT),
            ("consent_id", "consent-42"),
        ])
    );
    // Authorize: the pushed request's handle; the 302 to the client's redirect URI is not
    // followed (another origin), so the step sees it and reads the code.
    assert_eq!(
        received[1].query(),
        owned(&[
            ("request_uri", "urn:ietf:params:oauth:request_uri:req-1"),
            ("client_id", CLIENT_ID),
        ])
    );
    assert_client_authentication(&received[2]);
    assert_eq!(
        received[2].form(),
        owned(&[
            ("grant_type", "authorization_code"),
            ("code", "authz-code-2"),
            ("redirect_uri", TPP_REDIRECT),
            ("code_verifier", VERIFIER),
        ])
    );
}

#[tokio::test]
async fn fapi_par_a_wrong_pkce_verifier_fails_the_token_step() {
    let server = fapi::start().await;
    let error =
        fapi_par::oidc_par_authz_code(&fapi_client(&server), fapi_inputs("not-the-verifier"))
            .await
            .expect_err("the verifier does not match the challenge");
    assert!(
        matches!(&error, Error::CriterionFailed { status: 400, .. }),
        "{error:?}"
    );
    assert_eq!(step_of(&error), Some("TokenStep"));
    assert_eq!(
        received_form_value(&server.received()[2], "code_verifier"),
        "not-the-verifier"
    );
}

fn received_form_value(request: &Received, name: &str) -> String {
    request
        .form()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// BNPL: the eligibility check's `end` branches (the other branches: spec_bnpl.rs)
// ---------------------------------------------------------------------------------------------

fn bnpl_client(server: &Server) -> Client {
    Client::builder()
        .server("BnplApi", &server.base_url)
        .build()
        .expect("client")
}

fn basket(codes: &[(&str, f64)]) -> Vec<bnpl_loan::ApplyForLoanAtCheckoutInputsProductsItem> {
    codes
        .iter()
        .map(
            |(code, amount)| bnpl_loan::ApplyForLoanAtCheckoutInputsProductsItem {
                merchant_category_code: None,
                product_code: (*code).into(),
                purchase_amount:
                    bnpl_loan::ApplyForLoanAtCheckoutInputsProductsItemPurchaseAmount {
                        currency: "GBP".into(),
                        amount: *amount,
                    },
            },
        )
        .collect()
}

#[tokio::test]
async fn bnpl_an_enrolled_customer_who_is_not_eligible_ends_after_the_eligibility_check() {
    let server = bnpl::BnplServer::start().await;
    let refused = bnpl::customer("refused");
    let out = bnpl_loan::apply_for_loan_at_checkout(
        &bnpl_client(&server.server),
        bnpl_loan::ApplyForLoanAtCheckoutInputs {
            customer: json!({"uri": refused}),
            products: basket(&[("BNPL-TV-55", 499.0)]),
        },
    )
    .await
    .expect("a success action of type end ends the run successfully");
    assert_eq!(out.finalized_payment_plan, None, "no plan was retrieved");
    assert_eq!(server.server.lines(), ["POST /bnpl/v1/products"]);
    assert_eq!(
        server.server.received()[0].json(),
        json!({
            "customer": refused,
            // A whole `number` is sent as written: `499`, not `499.0`.
            "products": [{"productCode": "BNPL-TV-55", "purchaseAmount": {"currency": "GBP", "amount": 499}}],
        })
    );
}

#[tokio::test]
async fn bnpl_a_basket_without_qualifying_products_ends_after_the_eligibility_check() {
    let server = bnpl::BnplServer::start().await;
    let out = bnpl_loan::apply_for_loan_at_checkout(
        &bnpl_client(&server.server),
        bnpl_loan::ApplyForLoanAtCheckoutInputs {
            customer: json!({"uri": bnpl::customer("enrolled")}),
            products: basket(&[("GIFT-CARD-10", 10.0), ("GIFT-CARD-20", 20.0)]),
        },
    )
    .await
    .expect("the jsonpath end action ends the run successfully");
    assert_eq!(out.finalized_payment_plan, None);
    // `count(@.productCodes[*]) == 0` held: the workflow did not go on to the terms.
    assert_eq!(server.server.lines(), ["POST /bnpl/v1/products"]);
    assert_eq!(
        server.server.received()[0].json()["products"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

// ---------------------------------------------------------------------------------------------
// LoginAndRetrievePets: header outputs, a body output used as a header, operationPath
// ---------------------------------------------------------------------------------------------

fn petstore_client(server: &Server) -> Client {
    Client::builder()
        .server("petStoreDescription", &server.base_url)
        .build()
        .expect("client")
}

#[tokio::test]
async fn login_then_find_available_pets_with_the_session_token() {
    let server = pets::start().await;
    let out = login_pets::login_user_retrieve_pet(
        &petstore_client(&server),
        login_pets::LoginUserRetrievePetInputs {
            username: Some(pets::USER.into()),
            password: Some(pets::PASSWORD.into()),
        },
    )
    .await
    .expect("loginUserRetrievePet");
    let names: Vec<&str> = out.available.iter().map(|pet| pet.name.as_str()).collect();
    assert_eq!(names, ["Pongo", "Tom"]);

    let received = server.received();
    assert_eq!(
        server.lines(),
        ["GET /petstore/user/login", "GET /petstore/pet/findByStatus"]
    );
    assert_eq!(
        received[0].query(),
        owned(&[("username", pets::USER), ("password", pets::PASSWORD)])
    );
    // The operation found through `operationPath`, with the login's body as `Authorization`.
    assert_eq!(received[1].query(), owned(&[("status", "available")]));
    assert_eq!(
        received[1].header("authorization").as_deref(),
        Some(pets::SESSION)
    );
}

#[tokio::test]
async fn login_refused_stops_before_the_pet_search() {
    let server = pets::start().await;
    let error = login_pets::login_user_retrieve_pet(
        &petstore_client(&server),
        login_pets::LoginUserRetrievePetInputs {
            username: Some(pets::USER.into()),
            password: Some("wrong".into()),
        },
    )
    .await
    .expect_err("the login is refused");
    assert!(
        matches!(&error, Error::CriterionFailed { status: 400, .. }),
        "{error:?}"
    );
    assert_eq!(step_of(&error), Some("loginStep"));
    assert_eq!(server.lines(), ["GET /petstore/user/login"]);
}

// ---------------------------------------------------------------------------------------------
// ExtendedParametersExample: workflow-level and step-level cookie and header parameters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn extended_parameters_workflow_parameters_reach_every_step_and_step_cookies_only_theirs() {
    let server = zoo::start().await;
    let client = Client::builder()
        .server("animals", &server.base_url)
        .build()
        .expect("client");
    let extended_parameters::AnimalWorkflowOutputs {} =
        extended_parameters::animal_workflow(&client, extended_parameters::AnimalWorkflowInputs {})
            .await
            .expect("animal-workflow");

    let received = server.received();
    assert_eq!(
        server.lines(),
        ["POST /zoo/animals", "GET /zoo/animals/random"]
    );
    let mut post_cookies = received[0].cookies();
    post_cookies.sort();
    assert_eq!(
        post_cookies,
        owned(&[
            ("authentication", "SUPER_SECRET"),
            ("workflowLevelParamOne", "someValue")
        ])
    );
    assert_eq!(
        received[1].cookies(),
        owned(&[("workflowLevelParamOne", "someValue")])
    );
    for request in &received {
        assert_eq!(
            request.header("workflowLevelParamTwo").as_deref(),
            Some("someValue")
        );
    }
}
