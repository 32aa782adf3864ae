//! The savings chart, drawn by hand in SVG: one group of bars per financial quarter, one bar per
//! council, with a scale in pounds and a legend.

use super::{name_of, pounds};
use maud::{html, Markup};
use std::collections::BTreeMap;
use workflows::money::Money;
use workflows::ops::savings::Savings as Table;

const COLOURS: [&str; 6] = [
    "#1f6f8b", "#b85c0a", "#2e7d4a", "#8a3f86", "#b3261e", "#5c5c5c",
];
const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 340.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 60.0;

/// A round step for the scale so that about five gridlines cover `max` pence.
fn step(max: i64) -> i64 {
    let raw = (max.max(100) as f64 / 5.0).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|v| *v >= raw)
        .unwrap_or(10.0 * magnitude);
    nice as i64
}

/// Where the legend entry of council `i` starts: after the names before it (about 7.5 px a letter).
fn legend_offset(t: &Table, names: &BTreeMap<String, String>, i: usize) -> f64 {
    t.councils[..i]
        .iter()
        .map(|c| 40.0 + 7.5 * name_of(names, c).chars().count() as f64)
        .sum()
}

/// The chart of `t`.
pub fn chart(t: &Table, names: &BTreeMap<String, String>) -> Markup {
    let quarters: Vec<&String> = t.by_quarter.keys().collect();
    let max = t
        .by_quarter
        .values()
        .flat_map(|m| m.values())
        .map(|m| m.pence)
        .max()
        .unwrap_or(0);
    let step = step(max);
    let top_value = ((max + step - 1) / step).max(1) * step;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |pence: i64| TOP + plot_h - plot_h * pence as f64 / top_value as f64;
    let group_w = plot_w / quarters.len().max(1) as f64;
    let bar_w = (group_w * 0.8 / t.councils.len().max(1) as f64).min(60.0);
    let ticks: Vec<i64> = (0..=top_value / step).map(|i| i * step).collect();
    html! {
        figure #savings-chart style="margin:0 0 1rem" {
            svg xmlns="http://www.w3.org/2000/svg" width="100%" preserveAspectRatio="xMidYMid meet"
                viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img"
                aria-label="Savings recorded per council per financial quarter" {
                rect x="0" y="0" width=(WIDTH) height=(HEIGHT) fill="#ffffff" {}
                @for tick in &ticks {
                    line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y(*tick)) y2=(y(*tick)) stroke="#dde2e8" {}
                    text x=(LEFT - 8.0) y=(y(*tick) + 4.0) text-anchor="end" font-size="12" fill="#444" {
                        (pounds(Money::from_pence(*tick)).trim_end_matches(".00"))
                    }
                }
                @for (qi, q) in quarters.iter().enumerate() {
                    @let x0 = LEFT + group_w * qi as f64 + (group_w - bar_w * t.councils.len() as f64) / 2.0;
                    @for (ci, c) in t.councils.iter().enumerate() {
                        @let v = t.by_quarter[*q].get(c).map_or(0, |m| m.pence);
                        rect x=(x0 + bar_w * ci as f64) y=(y(v)) width=(bar_w - 2.0) height=(y(0) - y(v))
                            fill=(COLOURS[ci % COLOURS.len()]) {
                            title { (q) ", " (name_of(names, c)) ": " (pounds(Money::from_pence(v))) }
                        }
                    }
                    text x=(LEFT + group_w * (qi as f64 + 0.5)) y=(TOP + plot_h + 18.0) text-anchor="middle"
                        font-size="12" fill="#333" { (q) }
                }
                line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y(0)) y2=(y(0)) stroke="#555" {}
                @for (ci, c) in t.councils.iter().enumerate() {
                    @let lx = LEFT + legend_offset(t, names, ci);
                    rect x=(lx) y=(HEIGHT - 22.0) width="14" height="14" fill=(COLOURS[ci % COLOURS.len()]) {}
                    text x=(lx + 20.0) y=(HEIGHT - 10.0) font-size="13" fill="#222" { (name_of(names, c)) }
                }
            }
            figcaption.muted { "Savings recorded per council per financial quarter (each council's part, by the agreed shares)." }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::step;

    #[test]
    fn steps_are_round() {
        assert_eq!(step(2_000_000), 500_000);
        assert_eq!(step(0), 20);
        assert_eq!(step(1_234_567), 250_000);
    }
}
