//! A logical line of a requirements file told apart as pip's option parser
//! tells it: a requirement (with its `--hash` options), an include (`-r`/`-c`,
//! attached or not), an editable requirement (`-e`), or another option.

pub(super) enum Parsed {
    Include { file: String, constraint: bool },
    Requirement { text: String, editable: bool, hashed: bool },
    Option,
}

/// pip's `break_args_options` and its option parser, for the options that matter here.
pub(super) fn classify(line: &str) -> Parsed {
    let tokens: Vec<&str> = line.split(' ').collect();
    let split = tokens.iter().position(|t| t.starts_with('-')).unwrap_or(tokens.len());
    let args = tokens[..split].join(" ");
    let options = shlex::split(&tokens[split..].join(" ")).unwrap_or_default();
    let hashed = options.iter().any(|o| o == "--hash" || o.starts_with("--hash="));
    if !args.trim().is_empty() {
        return Parsed::Requirement {
            text: args.trim().to_string(),
            editable: false,
            hashed,
        };
    }
    let mut words = options.iter();
    while let Some(word) = words.next() {
        let (flag, attached) = split_flag(word);
        let value = || attached.clone().or_else(|| words.clone().next().cloned());
        match flag {
            "-r" | "--requirement" => {
                if let Some(file) = value() {
                    return Parsed::Include {
                        file,
                        constraint: false,
                    };
                }
            }
            "-c" | "--constraint" => {
                if let Some(file) = value() {
                    return Parsed::Include { file, constraint: true };
                }
            }
            "-e" | "--editable" => {
                if let Some(text) = value() {
                    return Parsed::Requirement {
                        text,
                        editable: true,
                        hashed,
                    };
                }
            }
            _ => {}
        }
    }
    Parsed::Option
}

/// `-rfile`, `--requirement=file` and `-r file` alike: the flag, and a value
/// attached to it.
fn split_flag(word: &str) -> (&str, Option<String>) {
    if let Some((flag, value)) = word.split_once('=').filter(|(f, _)| f.starts_with("--")) {
        return (flag, Some(value.to_string()));
    }
    for short in ["-r", "-c", "-e"] {
        if let Some(rest) = word
            .strip_prefix(short)
            .filter(|r| !r.is_empty() && !word.starts_with("--"))
        {
            return (short, Some(rest.to_string()));
        }
    }
    (word, None)
}
