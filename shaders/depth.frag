#version 330 core
// The depth pre-pass before the products are shaded: depth only, no colour (see vt_render_model.c).
void main() {}
