//! Whether an object member or a parameter is there when what it reads is absent: decided once
//! here, so that the emitter only renders [`Presence`].

use crate::http::ParameterLocation;
use crate::types::RustType;

use super::{Holder, Member, ParameterPlan, Presence, ValuePlan};

impl Member {
    /// A member whose value is left out, rather than sent as `null`, when it reads whole an
    /// optional input that is not given; so is one that reads an output of a step a `goto` may
    /// have skipped, whole or at a pointer.
    pub(crate) fn new(name: String, value: ValuePlan) -> Member {
        let presence = match &value {
            ValuePlan::Input {
                field,
                ty: RustType::Option(_),
                pointer: None,
            } => Presence::WhenSet {
                holder: Holder::Input(field.clone()),
                pointer: None,
            },
            ValuePlan::StepOutput {
                var,
                certain: false,
                pointer,
                ..
            } => Presence::WhenSet {
                holder: Holder::StepOutput(var.clone()),
                pointer: pointer.clone(),
            },
            _ => Presence::Always,
        };
        Member {
            name,
            value,
            presence,
        }
    }
}

impl ParameterPlan {
    /// A parameter in `location`. A query, header or cookie parameter that reads whole an
    /// output of a step a `goto` may have skipped is left out when that step has not run, like
    /// an absent optional input; a path parameter cannot be left out, and a `querystring` is
    /// the whole query.
    pub(crate) fn new(location: ParameterLocation, name: String, value: ValuePlan) -> Self {
        let omissible = match location {
            ParameterLocation::Query | ParameterLocation::Header | ParameterLocation::Cookie => {
                true
            }
            ParameterLocation::Path | ParameterLocation::Querystring => false,
        };
        let presence = match &value {
            ValuePlan::StepOutput {
                var,
                certain: false,
                pointer: None,
                ..
            } if omissible => Presence::WhenSet {
                holder: Holder::StepOutput(var.clone()),
                pointer: None,
            },
            _ => Presence::Always,
        };
        Self {
            location,
            name,
            value,
            presence,
            style: None,
            content: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pointer::JsonPointer;

    fn input(ty: RustType, pointer: Option<&str>) -> ValuePlan {
        ValuePlan::Input {
            field: "note".to_owned(),
            ty,
            pointer: pointer.map(|p| JsonPointer::parse(p).expect("a pointer")),
        }
    }

    fn output(certain: bool, pointer: Option<&str>) -> ValuePlan {
        ValuePlan::StepOutput {
            var: "find__id".to_owned(),
            ty: RustType::String,
            step: "find".to_owned(),
            output: "id".to_owned(),
            certain,
            pointer: pointer.map(|p| JsonPointer::parse(p).expect("a pointer")),
        }
    }

    fn holder(presence: &Presence) -> Option<(&Holder, Option<&str>)> {
        match presence {
            Presence::Always => None,
            Presence::WhenSet { holder, pointer } => {
                Some((holder, pointer.as_ref().map(JsonPointer::as_str)))
            }
        }
    }

    #[test]
    fn a_member_reading_an_optional_input_whole_is_left_out_when_it_is_not_given() {
        let optional = RustType::Option(Box::new(RustType::String));
        let member = Member::new("note".to_owned(), input(optional.clone(), None));
        assert!(matches!(
            holder(&member.presence),
            Some((Holder::Input(field), None)) if field == "note"
        ));
        // Read at a pointer, or required: always there (`null` when the pointer finds nothing).
        let member = Member::new("note".to_owned(), input(optional, Some("/a")));
        assert!(holder(&member.presence).is_none());
        let member = Member::new("note".to_owned(), input(RustType::String, None));
        assert!(holder(&member.presence).is_none());
    }

    #[test]
    fn a_member_reading_a_step_a_goto_may_skip_is_left_out_when_it_did_not_run() {
        let member = Member::new("id".to_owned(), output(false, Some("/x")));
        assert!(matches!(
            holder(&member.presence),
            Some((Holder::StepOutput(var), Some("/x"))) if var == "find__id"
        ));
        let member = Member::new("id".to_owned(), output(true, None));
        assert!(holder(&member.presence).is_none());
    }

    #[test]
    fn only_query_header_and_cookie_parameters_are_left_out_when_their_step_did_not_run() {
        for location in ParameterLocation::ALL {
            let param = ParameterPlan::new(location, "id".to_owned(), output(false, None));
            let omitted = holder(&param.presence).is_some();
            let expected = !matches!(
                location,
                ParameterLocation::Path | ParameterLocation::Querystring
            );
            assert_eq!(omitted, expected, "{location}");
        }
        // At a pointer, or from a step that surely ran: always set.
        let param = ParameterPlan::new(
            ParameterLocation::Query,
            "id".to_owned(),
            output(false, Some("/x")),
        );
        assert!(holder(&param.presence).is_none());
        let param = ParameterPlan::new(
            ParameterLocation::Query,
            "id".to_owned(),
            output(true, None),
        );
        assert!(holder(&param.presence).is_none());
    }
}
