package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelsCommandTest {
    /** Runs the CLI in this JVM and returns what it printed (other CLI tests use it too). */
    static String run(int expectedExit, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedExit, ConvoyCli.execute(args));
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsNamesFamiliesParametersAndMultiplyAdds() {
        String out = run(0, "models", "resnet20", "resnet50");
        // ResNet-20: 269,722 parameters, ~41M multiply-adds on 32x32 (the paper's 41M FLOPs)
        assertTrue(out.contains("resnet20") && out.contains("resnet-cifar") && out.contains("269,722"), out);
        assertTrue(out.matches("(?s).*resnet20 .*  40,[0-9]{3},[0-9]{3}.*"), out);
        assertTrue(out.contains("25,557,032") && out.contains("resnet-imagenet"), out);
    }

    @Test
    void countsForAGivenInputShape() {
        String out = run(0, "models", "--input", "1x28x28", "--classes", "7", "resnet8");
        assertTrue(out.contains("1x28x28/7"), out);
        // convolutions 73,872 (a 1-channel stem: 144), BatchNorm 480, a 7-way classifier 64*7+7 = 455
        assertTrue(out.contains("74,807"), out);
        run(2, "models", "--input", "3x32", "resnet8");
        run(2, "models", "vgg16");
    }

    @Test
    void printsPublishedFiguresWithTheirRoundingAndCountsAtAReducedWidth() {
        String out = run(0, "models", "resnet20", "resnet50", "fractalnet_20");
        assertTrue(out.contains("0.27M (rounded to 0.01M)") && out.contains("25,557,032 (exact)"), out);
        assertTrue(out.contains("38,649,034") && out.contains("38.6M (rounded to 0.1M)"), out);
        // widths 4/8/16: convolutions 16,812, BatchNorm 344, classifier 170
        out = run(0, "models", "--width-multiplier", "0.25", "resnet20");
        assertTrue(out.contains("17,326"), out);
        run(2, "models", "--width-multiplier", "0", "resnet20");
    }

    @Test
    void benchTrainMeasuresATinyModel() {
        String out = run(0, "bench-train", "--model", "resnet8", "--input", "1x8x8", "--batch", "4", "--warmup", "1",
                "--windows", "3", "--window-batches", "1");
        assertTrue(out.matches("(?s)resnet8 1x8x8 batch 4: median [0-9.]+ img/s over 3 windows of 1 minibatches.*"), out);
        run(2, "bench-train", "--model", "resnet9");
        run(2, "bench-train", "--input", "3x32");
    }
}
