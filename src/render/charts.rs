//! Inline SVG charts, drawn at build time: readable without JavaScript.
