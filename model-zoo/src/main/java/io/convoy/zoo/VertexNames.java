package io.convoy.zoo;

/** The one place vertex names are made: {@code name("stage2", "block3", "conv1")} gives {@code stage2.block3.conv1}. */
public final class VertexNames {
    private VertexNames() {
    }

    public static String name(String... parts) {
        return String.join(".", parts);
    }

    public static String stage(int index) {
        return "stage" + index;
    }

    public static String block(int index) {
        return "block" + index;
    }
}
