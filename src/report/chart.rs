//! The HTML report's chart of verdicts per section: one row per section, a
//! segment per verdict, worst first, widths scaled to the largest section;
//! plain numbers for the template's inline SVG (no script draws it).

use super::view::{self, HostView, COUNTED};
use crate::model::Status;
use serde::Serialize;

/// The SVG bar chart: one row per section, a segment per verdict.
#[derive(Serialize)]
pub struct Chart {
    width: u32,
    height: u32,
    label_width: u32,
    rows: Vec<ChartRow>,
}

#[derive(Serialize)]
struct ChartRow {
    title: String,
    y: u32,
    total: usize,
    segments: Vec<Segment>,
}

#[derive(Serialize)]
struct Segment {
    status: &'static str,
    verdict: &'static str,
    n: usize,
    x: u32,
    width: u32,
}

const BAR_WIDTH: u32 = 420;
const LABEL_WIDTH: u32 = 260;
const ROW_HEIGHT: u32 = 22;

/// The chart of a host's sections; titles through `clean`.
pub fn of(view: &HostView, clean: impl Fn(&str) -> String) -> Chart {
    let most = view
        .sections
        .iter()
        .map(|s| Status::ALL.iter().map(|st| s.counts.count(*st)).sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let rows = view
        .sections
        .iter()
        .enumerate()
        .map(|(index, section)| {
            let mut x = LABEL_WIDTH;
            let segments = COUNTED
                .iter()
                .filter(|st| section.counts.count(**st) > 0)
                .map(|st| {
                    let n = section.counts.count(*st);
                    let width = (n as u64 * u64::from(BAR_WIDTH) / most as u64) as u32;
                    let segment = Segment {
                        status: st.as_str(),
                        verdict: view::verdict(*st),
                        n,
                        x,
                        width: width.max(2),
                    };
                    x += width.max(2);
                    segment
                })
                .collect();
            ChartRow {
                title: clean(section.title),
                y: index as u32 * ROW_HEIGHT,
                total: Status::ALL.iter().map(|st| section.counts.count(*st)).sum(),
                segments,
            }
        })
        .collect::<Vec<_>>();
    Chart {
        width: LABEL_WIDTH + BAR_WIDTH + 60,
        height: rows.len() as u32 * ROW_HEIGHT + 4,
        label_width: LABEL_WIDTH,
        rows,
    }
}
