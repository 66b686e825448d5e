//! The Relay page arguments, defined once. `#[connections]` on an
//! `#[Object]` impl gives every method marked `#[page]` the four arguments
//! `first`, `after`, `last` and `before` with their descriptions, prices the
//! field by its page size, and checks the arguments into a `page`
//! (`crate::api::page::PageArgs`) before the method's body runs.

use proc_macro::TokenStream;
use quote::quote;
use syn::{FnArg, ImplItem, ItemImpl, parse_macro_input, parse_quote};

/// Gives the methods marked `#[page]` of an `#[Object]` impl the Relay page
/// arguments; put it above `#[Object]`.
#[proc_macro_attribute]
pub fn connections(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut imp = parse_macro_input!(item as ItemImpl);
    for item in &mut imp.items {
        let ImplItem::Fn(f) = item else { continue };
        let Some(at) = f.attrs.iter().position(|a| a.path().is_ident("page")) else {
            continue;
        };
        f.attrs.remove(at);
        f.attrs
            .push(parse_quote!(#[allow(clippy::too_many_arguments)]));
        f.attrs.push(parse_quote!(
            #[graphql(complexity = "crate::api::page::cost(first, last, child_complexity)")]
        ));
        let args: [FnArg; 4] = [
            parse_quote!(
                #[graphql(desc = "How many to return from the start (at most 100; 50 by default).")]
                first: Option<i32>
            ),
            parse_quote!(#[graphql(desc = "Start after this cursor.")] after: Option<String>),
            parse_quote!(
                #[graphql(desc = "How many to return from the end (at most 100).")]
                last: Option<i32>
            ),
            parse_quote!(#[graphql(desc = "End before this cursor.")] before: Option<String>),
        ];
        f.sig.inputs.extend(args);
        let body = &f.block;
        f.block = parse_quote!({
            let page = crate::api::page::PageArgs::new(after, before, first, last)?;
            #body
        });
    }
    quote!(#imp).into()
}
