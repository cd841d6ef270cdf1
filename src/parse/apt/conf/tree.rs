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
    value: String,
    history: Vec<Change>,
    children: Vec<usize>,
}

/// A child's key in `ConfTree::live` / `ConfTree::buried`: its parent's index and
/// its lower-cased tag (apt matches tags ASCII-case-insensitively).
type ChildKey = (usize, String);

/// The configuration space: an arena of items, index 0 the root. Items are found
/// by their parent and tag, never by a full name, so the cost of a name grows with
/// its length, not with its length times its depth.
#[derive(Debug, Clone)]
pub struct ConfTree {
    items: Vec<Item>,
    /// The named children of each item. List entries (empty tags) are only in
    /// their parent's `children`: apt appends a new one each time.
    live: HashMap<ChildKey, usize>,
    /// Named items that a `#clear` of an ancestor dropped, still under their old
    /// parent, so a value set again later (or never) still shows what happened.
    buried: HashMap<ChildKey, usize>,
}

impl Default for ConfTree {
    fn default() -> Self {
        let root = Item {
            tag: String::new(),
            value: String::new(),
            history: Vec::new(),
            children: Vec::new(),
        };
        ConfTree {
            items: vec![root],
            live: HashMap::new(),
            buried: HashMap::new(),
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

fn key(parent: usize, tag: &str) -> ChildKey {
    (parent, tag.to_ascii_lowercase())
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
        self.bury_below(index, &at);
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
        let mut at = 0;
        for tag in split_name(name) {
            if tag.is_empty() {
                return &[];
            }
            let key = key(at, tag);
            match self.live.get(&key).or_else(|| self.buried.get(&key)) {
                Some(&next) => at = next,
                None => return &[],
            }
        }
        &self.items[at].history
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
    /// prints them (depth first, without recursion: names may be deep).
    pub fn dump(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut pending: Vec<(usize, Option<usize>)> =
            self.items[0].children.iter().rev().map(|&c| (c, None)).collect();
        while let Some((index, parent_row)) = pending.pop() {
            let item = &self.items[index];
            let full = match parent_row {
                None => item.tag.clone(),
                Some(row) => format!("{}::{}", out[row].0, item.tag),
            };
            let row = out.len();
            out.push((full, item.value.clone()));
            pending.extend(item.children.iter().rev().map(|&c| (c, Some(row))));
        }
        out
    }

    fn lookup(&self, name: &str) -> Option<usize> {
        let mut at = 0;
        for tag in split_name(name) {
            if tag.is_empty() {
                return None;
            }
            at = *self.live.get(&key(at, tag))?;
        }
        Some(at)
    }

    fn lookup_create(&mut self, name: &str) -> usize {
        let mut at = 0;
        for tag in split_name(name) {
            at = match self.live.get(&key(at, tag)).filter(|_| !tag.is_empty()) {
                Some(&found) => found,
                None => self.create(at, tag),
            };
        }
        at
    }

    /// A new child of `parent`: a list entry for an empty tag, else the item a
    /// `#clear` dropped under this name (keeping its history), else a fresh one.
    fn create(&mut self, parent: usize, tag: &str) -> usize {
        let index = if tag.is_empty() {
            self.push_item(tag)
        } else {
            let key = key(parent, tag);
            let index = match self.buried.remove(&key) {
                Some(index) => index,
                None => self.push_item(tag),
            };
            self.live.insert(key, index);
            index
        };
        self.items[parent].children.push(index);
        index
    }

    fn push_item(&mut self, tag: &str) -> usize {
        self.items.push(Item {
            tag: tag.to_string(),
            value: String::new(),
            history: Vec::new(),
            children: Vec::new(),
        });
        self.items.len() - 1
    }

    /// Drop everything below `top`, noting the clear in each named item's history.
    fn bury_below(&mut self, top: usize, at: &Origin) {
        let mut pending = vec![top];
        while let Some(parent) = pending.pop() {
            for child in std::mem::take(&mut self.items[parent].children) {
                pending.push(child);
                let item = &mut self.items[child];
                if item.tag.is_empty() {
                    continue;
                }
                item.history.push(Change {
                    value: None,
                    at: at.clone(),
                });
                let key = key(parent, &item.tag);
                self.live.remove(&key);
                self.buried.insert(key, child);
            }
        }
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
