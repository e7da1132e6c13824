//! Charts drawn on the server as SVG: nothing to load from the internet, nothing run in
//! the browser, and they print as they show. Each chart is a figure whose numbers the
//! page also gives as a table.

use techmatch_app::notices::escape;

/// One series of a bar chart: its name and colour class (see `site.css`).
pub struct Series<'a> {
    pub name: &'a str,
    pub class: &'a str,
    pub values: Vec<i64>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 24.0;

/// A grouped bar chart: one group per label, one bar per series, with the largest
/// value on the axis shown as `format_value` writes it.
pub fn bars(
    title: &str,
    labels: &[String],
    series: &[Series<'_>],
    format_value: impl Fn(i64) -> String,
) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_width = WIDTH - LEFT - 8.0;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let group = plot_width / labels.len().max(1) as f64;
    let bar = (group * 0.8) / series.len().max(1) as f64;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{title}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title>{title}</title>\
         <line class=\"axis\" x1=\"{LEFT}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\"/>\
         <text class=\"tick\" x=\"{tick_x}\" y=\"{top_y}\" text-anchor=\"end\">{max_label}</text>\
         <text class=\"tick\" x=\"{tick_x}\" y=\"{base}\" text-anchor=\"end\">0</text>",
        title = escape(title),
        base = HEIGHT - BOTTOM,
        right = WIDTH - 8.0,
        tick_x = LEFT - 6.0,
        top_y = TOP + 4.0,
        max_label = escape(&format_value(max)),
    );
    for (i, label) in labels.iter().enumerate() {
        let x0 = LEFT + group * i as f64 + group * 0.1;
        for (k, s) in series.iter().enumerate() {
            let value = s.values.get(i).copied().unwrap_or(0).max(0);
            let h = plot_height * value as f64 / max as f64;
            svg.push_str(&format!(
                "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\"><title>{name} {label}: {shown}</title></rect>",
                class = escape(s.class),
                x = x0 + bar * k as f64,
                y = HEIGHT - BOTTOM - h,
                w = (bar - 1.0).max(1.0),
                name = escape(s.name),
                label = escape(label),
                shown = escape(&format_value(value)),
            ));
        }
        svg.push_str(&format!(
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{y}\" text-anchor=\"middle\">{label}</text>",
            x = x0 + group * 0.4,
            y = HEIGHT - BOTTOM + 16.0,
            label = escape(label),
        ));
    }
    for (k, s) in series.iter().enumerate() {
        let x = LEFT + 140.0 * k as f64;
        svg.push_str(&format!(
            "<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"10\" height=\"10\"/><text class=\"legend\" x=\"{tx}\" y=\"{ty}\">{name}</text>",
            class = escape(s.class),
            y = HEIGHT - 14.0,
            tx = x + 14.0,
            ty = HEIGHT - 5.0,
            name = escape(s.name),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A progress bar toward a target, labelled with the percent reached.
pub fn progress(title: &str, percent: i64) -> String {
    let filled = 600.0 * (percent.clamp(0, 100) as f64) / 100.0;
    format!(
        "<svg class=\"chart progress\" viewBox=\"0 0 640 40\" role=\"img\" aria-label=\"{title}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title>{title}</title>\
         <rect class=\"track\" x=\"0\" y=\"8\" width=\"600\" height=\"20\"/>\
         <rect class=\"done\" x=\"0\" y=\"8\" width=\"{filled:.1}\" height=\"20\"/>\
         <text class=\"legend\" x=\"606\" y=\"23\">{percent}%</text></svg>",
        title = escape(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_escape_text() {
        let labels = vec!["2026-01".to_owned(), "<b>".to_owned()];
        let svg = bars(
            "交易额",
            &labels,
            &[Series {
                name: "A&B",
                class: "s1",
                values: vec![50, 100],
            }],
            |v| v.to_string(),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        // The largest bar fills the plot (176 high), the other half of it.
        assert!(svg.contains("height=\"176.0\""), "{svg}");
        assert!(svg.contains("height=\"88.0\""), "{svg}");
        assert!(svg.contains("&lt;b&gt;") && svg.contains("A&amp;B"));
        assert!(!svg.contains("<b>"));
    }

    #[test]
    fn progress_is_capped_in_width_but_not_in_label() {
        let svg = progress("目标", 130);
        assert!(svg.contains("width=\"600.0\""), "{svg}");
        assert!(svg.contains("130%"));
    }
}
