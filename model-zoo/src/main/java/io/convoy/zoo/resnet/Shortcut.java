package io.convoy.zoo.resnet;

/**
 * The shortcut options of He et al. 2016, section 4.1: A zero-pads channels (no parameters),
 * B projects with a 1x1 convolution only where the shape changes, C projects everywhere.
 * NONE gives the plain network of the same depth.
 */
public enum Shortcut { A, B, C, NONE }
