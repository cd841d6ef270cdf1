//! The facts read from small programs: scopes, calls, built strings, imports.

use super::*;

fn function<'m>(module: &'m Module, name: &str) -> &'m Scope {
    module.functions().find(|f| f.name == name).expect("function")
}

#[test]
fn a_query_built_in_a_function_is_seen_as_built_with_its_head() {
    let source = "import sqlite3 as db\n\
                  def get(user_id):\n    \
                      query = f\"SELECT * FROM users WHERE id = {user_id}\"\n    \
                      return db.execute(query)\n";
    let module = parse(source);
    assert_eq!(module.error_line, None);
    let get = function(&module, "get");
    assert_eq!(get.params.len(), 1);
    let Expr::Built(built) = &get.assigns[0].value else {
        panic!("{:?}", get.assigns[0].value)
    };
    assert_eq!(built.how, BuiltHow::FString);
    assert_eq!(built.head, Head::Literal("SELECT * FROM users WHERE id = ".into()));
    assert_eq!(get.calls[0].callee, "db.execute");
    assert_eq!(get.calls[0].span.line, 4);
    assert_eq!(get.calls[0].args[0], Expr::Name("query".into()));
    assert_eq!(module.resolve("db.execute"), "sqlite3.execute");
}

#[test]
fn percent_format_and_concatenation_build_strings_and_literals_fold() {
    let module = parse(
        "a = \"SELECT %s\" % (uid,)\n\
         b = \"SELECT {}\".format(uid)\n\
         c = \"SELECT \" + \"x\" + uid + \" LIMIT 1\"\n\
         d = \"SELECT %s\" % (1,)\n\
         e = \"SELECT \" \"1\"\n\
         f = base + uid\n",
    );
    let values: Vec<&Expr> = module.scopes[0].assigns.iter().map(|a| &a.value).collect();
    let how = |e: &Expr| match e {
        Expr::Built(b) => Some((b.how, b.head.clone())),
        _ => None,
    };
    assert_eq!(
        how(values[0]),
        Some((BuiltHow::Percent, Head::Literal("SELECT %s".into())))
    );
    assert_eq!(
        how(values[1]),
        Some((BuiltHow::Format, Head::Literal("SELECT {}".into())))
    );
    assert_eq!(
        how(values[2]),
        Some((BuiltHow::Concat, Head::Literal("SELECT x".into())))
    );
    assert_eq!(values[3], &Expr::Str("SELECT %s".into()));
    assert_eq!(values[4], &Expr::Str("SELECT 1".into()));
    assert_eq!(how(values[5]), Some((BuiltHow::Concat, Head::Name("base".into()))));
}

#[test]
fn decorators_bases_imports_and_items_are_read() {
    let module = parse(
        "from flask import Flask as F, request\nimport os.path\n\
         @app.route(\"/login\", methods=[\"POST\"])\ndef login():\n    pw = request.form[\"password\"]\n\
         class Login(BaseModel):\n    name: str\n",
    );
    let login = function(&module, "login");
    let Expr::Call(route) = &login.decorators[0] else {
        panic!()
    };
    assert_eq!(route.callee, "app.route");
    assert_eq!(route.args[0], Expr::Str("/login".into()));
    assert!(login.assigns[0].value.names().contains(&"password".to_string()));
    let class = module
        .scopes
        .iter()
        .find(|s| s.kind == ScopeKind::Class)
        .expect("class");
    assert_eq!(class.bases, vec!["BaseModel".to_string()]);
    assert_eq!(module.resolve("F"), "flask.Flask");
    assert_eq!(module.resolve("os.path.join"), "os.path.join");
    assert!(module.imports_from("flask"));
}

#[test]
fn a_file_that_does_not_parse_says_where() {
    let module = parse("def f(:\n    pass\nx = 1\n");
    assert_eq!(module.error_line, Some(1));
}

#[test]
fn deep_nesting_is_cut_not_recursed() {
    let deep = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let module = parse(&deep);
    assert!(module.cut || module.error_line.is_some());
    let calls = format!("x = {}1{}\n", "f(".repeat(3000), ")".repeat(3000));
    let module = parse(&calls);
    assert_eq!(module.scopes[0].calls.len(), 3000);
    assert!(module.cut);
}
