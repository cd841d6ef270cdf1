//! The APT configuration tree as apt's `Configuration` class keeps it: items named
//! by `::`-separated tags, matched ASCII-case-insensitively, list entries as
//! children with an empty tag, `#clear` emptying an item and dropping its subtree.
//! For the audit each item also remembers every change made to it and where.

use std::collections::HashMap;
use std::fmt;

/// Where a value was set: a file and its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    pub path: String,
    pub line: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path, self.line)
    }
}

/// One change to an item: a value set, or (`value: None`) emptied by `#clear`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub value: Option<String>,
    pub at: Origin,
}

/// One value of a list (a child of the list item), with where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry<'a> {
    pub value: &'a str,
    pub at: Option<&'a Origin>,
}

#[derive(Debug, Clone)]
struct Item {
    tag: String,
    /// apt's FullTag, lower-cased: the key of `ConfTree::removed`.
    key: String,
    value: String,
    history: Vec<Change>,
    children: Vec<usize>,
}

/// The configuration space: an arena of items, index 0 the root.
#[derive(Debug, Clone)]
pub struct ConfTree {
    items: Vec<Item>,
    /// History of items that a `#clear` of an ancestor dropped, by lower-cased full
    /// name, so a value set again later (or never) still shows what happened.
    removed: HashMap<String, Vec<Change>>,
}

impl Default for ConfTree {
    fn default() -> Self {
        let root = Item {
            tag: String::new(),
            key: String::new(),
            value: String::new(),
            history: Vec::new(),
            children: Vec::new(),
        };
        ConfTree {
            items: vec![root],
            removed: HashMap::new(),
        }
    }
}

/// Split a name into tags exactly as apt's `Configuration::Lookup` does: at each
/// `::`, resuming the search one character after it (so `A::::B` is `A`, `::B`).
/// A trailing `::` yields an empty last tag: a new list entry.
pub fn split_name(name: &str) -> Vec<&str> {
    let bytes = name.as_bytes();
    let mut tags = Vec::new();
    let (mut start, mut at) = (0, 0);
    while at + 2 <= bytes.len() {
        if bytes[at] == b':' && bytes[at + 1] == b':' {
            tags.push(&name[start..at]);
            start = at + 2;
            at = start + 1;
        } else {
            at += 1;
        }
    }
    tags.push(&name[start..]);
    tags
}

/// The lower-cased key apt would match `name` by (its tags joined by `::`).
fn name_key(name: &str) -> String {
    split_name(name).join("::").to_ascii_lowercase()
}

impl ConfTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// `Configuration::Set`: create the item if needed and give it `value`.
    pub fn set(&mut self, name: &str, value: String, at: Origin) {
        let index = self.lookup_create(name);
        let item = &mut self.items[index];
        item.value.clone_from(&value);
        item.history.push(Change { value: Some(value), at });
    }

    /// `Configuration::Clear` (the `#clear` directive): empty the item's value and
    /// drop everything below it. Nothing happens when the item does not exist.
    pub fn clear(&mut self, name: &str, at: Origin) {
        let Some(index) = self.lookup(name) else {
            return;
        };
        let children = std::mem::take(&mut self.items[index].children);
        for child in children {
            self.bury(child, &at);
        }
        let item = &mut self.items[index];
        item.value.clear();
        item.history.push(Change { value: None, at });
    }

    /// apt's `Find`: the value, "" when the item is absent or empty.
    pub fn find(&self, name: &str) -> &str {
        self.lookup(name).map_or("", |index| self.items[index].value.as_str())
    }

    /// Every change made to the item, oldest first (also after an ancestor's
    /// `#clear` dropped it).
    pub fn history(&self, name: &str) -> &[Change] {
        match self.lookup(name) {
            Some(index) => &self.items[index].history,
            None => self.removed.get(&name_key(name)).map_or(&[], Vec::as_slice),
        }
    }

    /// The values of the item's children, in order: what python-apt's
    /// `value_list` (used by unattended-upgrades) returns for a list.
    pub fn list(&self, name: &str) -> Vec<ListEntry<'_>> {
        let Some(index) = self.lookup(name) else {
            return Vec::new();
        };
        self.items[index]
            .children
            .iter()
            .map(|&child| {
                let item = &self.items[child];
                ListEntry {
                    value: &item.value,
                    at: item.history.last().map(|c| &c.at),
                }
            })
            .collect()
    }

    /// Every item with its full name and value, in the order `apt-config dump`
    /// prints them.
    pub fn dump(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for &child in &self.items[0].children {
            self.dump_into(child, None, &mut out);
        }
        out
    }

    /// `prefix` is the parent's FullTag, None for a top-level item.
    fn dump_into(&self, index: usize, prefix: Option<&str>, out: &mut Vec<(String, String)>) {
        let item = &self.items[index];
        let full = match prefix {
            None => item.tag.clone(),
            Some(prefix) => format!("{prefix}::{}", item.tag),
        };
        out.push((full.clone(), item.value.clone()));
        for &child in &item.children {
            self.dump_into(child, Some(&full), out);
        }
    }

    fn lookup(&self, name: &str) -> Option<usize> {
        let mut at = 0;
        for tag in split_name(name) {
            if tag.is_empty() {
                return None;
            }
            at = self.child(at, tag)?;
        }
        Some(at)
    }

    fn lookup_create(&mut self, name: &str) -> usize {
        let mut at = 0;
        for tag in split_name(name) {
            at = match self.child(at, tag).filter(|_| !tag.is_empty()) {
                Some(found) => found,
                None => self.create(at, tag),
            };
        }
        at
    }

    fn child(&self, parent: usize, tag: &str) -> Option<usize> {
        self.items[parent]
            .children
            .iter()
            .copied()
            .find(|&c| self.items[c].tag.eq_ignore_ascii_case(tag))
    }

    fn create(&mut self, parent: usize, tag: &str) -> usize {
        let parent_key = &self.items[parent].key;
        let lower = tag.to_ascii_lowercase();
        let key = if parent == 0 {
            lower
        } else {
            format!("{parent_key}::{lower}")
        };
        let history = if tag.is_empty() {
            Vec::new()
        } else {
            self.removed.remove(&key).unwrap_or_default()
        };
        let index = self.items.len();
        self.items.push(Item {
            tag: tag.to_string(),
            key,
            value: String::new(),
            history,
            children: Vec::new(),
        });
        self.items[parent].children.push(index);
        index
    }

    /// Move a dropped subtree's history into `removed`, noting the clear.
    fn bury(&mut self, index: usize, at: &Origin) {
        let children = std::mem::take(&mut self.items[index].children);
        for child in children {
            self.bury(child, at);
        }
        let item = &mut self.items[index];
        if item.tag.is_empty() {
            return;
        }
        let mut history = std::mem::take(&mut item.history);
        history.push(Change {
            value: None,
            at: at.clone(),
        });
        self.removed.insert(item.key.clone(), history);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32) -> Origin {
        Origin {
            path: "/f".into(),
            line,
        }
    }

    #[test]
    fn names_split_like_apt_lookup() {
        assert_eq!(split_name("APT::Periodic::Enable"), vec!["APT", "Periodic", "Enable"]);
        assert_eq!(split_name("A::L::"), vec!["A", "L", ""]);
        assert_eq!(split_name("A::::B"), vec!["A", "::B"]);
        assert_eq!(split_name("C:::D"), vec!["C", ":D"]);
        assert_eq!(split_name(""), vec![""]);
    }

    #[test]
    fn keys_match_case_insensitively_and_keep_the_first_spelling() {
        let mut tree = ConfTree::new();
        tree.set("APT::Periodic::Enable", "1".into(), at(1));
        tree.set("apt::periodic::enable", "0".into(), at(2));
        assert_eq!(tree.find("Apt::PERIODIC::enable"), "0");
        assert_eq!(tree.history("APT::Periodic::Enable").len(), 2);
        assert_eq!(tree.dump()[2], ("APT::Periodic::Enable".to_string(), "0".to_string()));
    }

    #[test]
    fn trailing_colons_append_list_entries() {
        let mut tree = ConfTree::new();
        tree.set("A::L::", "x".into(), at(1));
        tree.set("A::L::", "y".into(), at(2));
        let values: Vec<_> = tree.list("a::l").iter().map(|e| e.value).collect();
        assert_eq!(values, vec!["x", "y"]);
        assert_eq!(tree.find("A::L::"), "");
    }

    #[test]
    fn clear_drops_the_subtree_but_remembers_it() {
        let mut tree = ConfTree::new();
        tree.set("A::B::C", "1".into(), at(1));
        tree.set("A::L::", "x".into(), at(2));
        tree.clear("A", at(3));
        assert_eq!(tree.find("A::B::C"), "");
        assert!(tree.list("A::L").is_empty());
        let history = tree.history("A::B::C");
        assert_eq!(history.len(), 2);
        assert_eq!(history[1], Change { value: None, at: at(3) });
        tree.set("A::B::C", "2".into(), at(4));
        assert_eq!(tree.history("A::B::C").len(), 3);
    }
}
