//! The enrolment, authorisation and payment-plan branches of the specification's BNPL example
//! (`tests/fixtures/spec/bnpl-arazzo.yaml`): a JSON text payload, success actions that apply to
//! responses without every declared output, and payloads that read the outputs of skipped steps.
//! The eligibility check's `end` branches are in `spec_examples.rs`.

// Shared with `spec_examples.rs`, which uses parts this file does not.
#[allow(dead_code)]
mod spec_servers;
mod support;

use arazzo_runtime::Client;
use serde_json::{Value, json};
use spec_servers::{Received, Server, bnpl, owned};

mod bnpl_loan {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/spec/bnpl-arazzo.yaml");
}

use bnpl_loan::*;

fn client(server: &Server) -> Client {
    Client::builder()
        .server("BnplApi", &server.base_url)
        .build()
        .expect("client")
}

fn basket() -> Vec<ApplyForLoanAtCheckoutInputsProductsItem> {
    [("BNPL-TV-55", 499.0), ("BNPL-SOFA-3", 899.0)]
        .iter()
        .map(|(code, amount)| ApplyForLoanAtCheckoutInputsProductsItem {
            merchant_category_code: None,
            product_code: (*code).into(),
            purchase_amount: ApplyForLoanAtCheckoutInputsProductsItemPurchaseAmount {
                currency: "GBP".into(),
                amount: *amount,
            },
        })
        .collect()
}

fn new_customer(postal_code: &str) -> Value {
    json!({
        "firstName": "Ada",
        "lastName": "Lovelace",
        "dateOfBirth": "1815-12-10T00:00:00Z",
        "postalCode": postal_code,
    })
}

/// The loan the transaction step asked for: `customer` in the field the example's path sets, the
/// other field absent or null.
fn assert_loan_request(request: &Received, field: &str, customer: &str) {
    assert_eq!(request.line(), "POST /bnpl/v1/loan-transactions");
    let mut body = request.json();
    let other = if field == "newCustomer" {
        "enrolledCustomer"
    } else {
        "newCustomer"
    };
    if let Some(loan) = body.as_object_mut() {
        loan.retain(|name, value| !(name == other && value.is_null()));
    }
    assert_eq!(
        body,
        json!({
            field: customer,
            "products": ["BNPL-TV-55", "BNPL-SOFA-3"],
            // The `number` 1398 is sent as written, not as `1398.0`.
            "totalAmount": {"currency": "GBP", "amount": 1398},
        })
    );
}

fn assert_completed(
    server: &bnpl::BnplServer,
    out: &ApplyForLoanAtCheckoutOutputs,
    customer: &str,
) {
    // Typed from the description's `LoanTransaction`; checked as the JSON it holds.
    let plan = serde_json::to_value(
        out.finalized_payment_plan
            .as_ref()
            .expect("the plan was retrieved"),
    )
    .expect("serialises");
    assert_eq!(plan["customer"], customer);
    assert_eq!(plan["status"], "Finalised");
    assert_eq!(plan["paymentSchedule"].as_array().map(Vec::len), Some(3));
    let loan = server.loan("loan-1").expect("loan-1");
    assert_eq!(loan["status"], "Completed", "updateOrderStatus ran");
    let update = server.server.received().pop().expect("requests");
    assert_eq!(
        update.line(),
        "PATCH /bnpl/v1/loan-transactions/loan-1/status"
    );
    assert_eq!(update.json(), json!({"status": "Completed"}));
}

/// The whole new-customer path: eligibility, terms, enrolment (201), loan, authorisation,
/// payment plan, order status.
///
/// `createCustomer`'s payload is JSON text with `contentType: application/json` (the
/// specification's "JSON Templated Example"): it is sent as the JSON it spells out.
#[tokio::test]
async fn bnpl_a_new_customer_is_enrolled_authorises_and_the_loan_is_completed() {
    let server = bnpl::BnplServer::start().await;
    let out = apply_for_loan_at_checkout(
        &client(&server.server),
        ApplyForLoanAtCheckoutInputs {
            customer: new_customer("SW1A 1AA"),
            products: basket(),
        },
    )
    .await
    .expect("the loan is completed");

    let received = server.server.received();
    assert_eq!(
        server.server.lines(),
        [
            "POST /bnpl/v1/products",
            "GET /bnpl/v1/terms-and-conditions",
            "POST /bnpl/v1/customers",
            "POST /bnpl/v1/loan-transactions",
            "GET /bnpl/v1/auth",
            "GET /bnpl/v1/loan-transactions/loan-1",
            "PATCH /bnpl/v1/loan-transactions/loan-1/status",
        ]
    );
    assert_eq!(
        received[2].json(),
        json!({
            "firstName": "Ada",
            "lastName": "Lovelace",
            "dateOfBirth": "1815-12-10T00:00:00Z",
            "postalCode": "SW1A 1AA",
            "termsAndConditionsAccepted": true,
        })
    );
    let customer = bnpl::customer("new-1");
    assert_loan_request(&received[3], "newCustomer", &customer);
    assert_eq!(
        received[4].query(),
        owned(&[("AuthorizationToken", "7d1c3e52-0000-4000-8000-000000000001")])
    );
    assert_completed(&server, &out, &customer);
}

/// A new customer the platform does not enrol (200 with a reason code): the success action
/// `customerIsNotEligible` (type `end`) ends the run successfully, with no payment plan.
///
/// The 200 response has no `links`, so the step's output `customer` is left unset rather than an
/// error: a success action applies to this response.
#[tokio::test]
async fn bnpl_a_new_customer_who_is_not_eligible_ends_after_create_customer() {
    let server = bnpl::BnplServer::start().await;
    let out = apply_for_loan_at_checkout(
        &client(&server.server),
        ApplyForLoanAtCheckoutInputs {
            customer: new_customer("00100"),
            products: basket(),
        },
    )
    .await
    .expect("a success action of type end");
    assert_eq!(out.finalized_payment_plan, None);
    assert_eq!(
        server.server.lines(),
        [
            "POST /bnpl/v1/products",
            "GET /bnpl/v1/terms-and-conditions",
            "POST /bnpl/v1/customers",
        ]
    );
}

/// An enrolled customer: no eligibility check, so `getCustomerTermsAndConditions` goes straight
/// to `initiateBnplTransaction`, which sends the customer's URI as `enrolledCustomer`.
///
/// Its payload reads `$steps.createCustomer.outputs.customer` for `newCustomer`; `createCustomer`
/// was skipped, so that member is left out.
#[tokio::test]
async fn bnpl_an_enrolled_customer_skips_enrolment_and_authorises_the_loan() {
    let server = bnpl::BnplServer::start().await;
    let customer = bnpl::customer("enrolled");
    let out = apply_for_loan_at_checkout(
        &client(&server.server),
        ApplyForLoanAtCheckoutInputs {
            customer: json!({"uri": customer}),
            products: basket(),
        },
    )
    .await
    .expect("the loan is completed");
    let received = server.server.received();
    assert_eq!(
        server.server.lines(),
        [
            "POST /bnpl/v1/products",
            "GET /bnpl/v1/terms-and-conditions",
            "POST /bnpl/v1/loan-transactions",
            "GET /bnpl/v1/auth",
            "GET /bnpl/v1/loan-transactions/loan-1",
            "PATCH /bnpl/v1/loan-transactions/loan-1/status",
        ]
    );
    assert_loan_request(&received[2], "enrolledCustomer", &customer);
    assert_completed(&server, &out, &customer);
}

/// A loan the platform grants without the customer's authorisation: the response has no
/// `redirectAuthToken`, so `CustomerAuthorizationNotRequired` goes straight to the payment plan.
///
/// The step's output `redirectAuthToken` is absent from the response and left unset; the success
/// action that tests it for `null` applies.
#[tokio::test]
async fn bnpl_a_loan_that_needs_no_authorisation_goes_straight_to_the_payment_plan() {
    let server = bnpl::BnplServer::start().await;
    let customer = bnpl::customer("trusted");
    let out = apply_for_loan_at_checkout(
        &client(&server.server),
        ApplyForLoanAtCheckoutInputs {
            customer: json!({"uri": customer}),
            products: basket(),
        },
    )
    .await
    .expect("the loan is completed");
    assert_eq!(
        server.server.lines(),
        [
            "POST /bnpl/v1/products",
            "GET /bnpl/v1/terms-and-conditions",
            "POST /bnpl/v1/loan-transactions",
            "GET /bnpl/v1/loan-transactions/loan-1",
            "PATCH /bnpl/v1/loan-transactions/loan-1/status",
        ]
    );
    assert_completed(&server, &out, &customer);
}
