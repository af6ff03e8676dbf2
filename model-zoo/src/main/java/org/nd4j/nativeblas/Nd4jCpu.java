package org.nd4j.nativeblas;

/**
 * Compatibility bridge for DL4J's oneDNN check.
 *
 * <p>DL4J 1.0.0-M2/M2.1 decides whether to create its oneDNN layer helpers by loading
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment} and calling {@code isUseMKLDNN()} on it. ND4J
 * moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings} (renaming the method to
 * {@code isUseONEDNN()}), so the check always fails and every convolution runs on DL4J's slow
 * im2col path. This class answers the check at the old name by asking the real, moved class.
 * It reports oneDNN as off when the native backend is not the CPU one or lacks oneDNN.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** Answers at the old name; every call goes to the current native environment. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            try {
                Class<?> moved = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object env = moved.getMethod("getInstance").invoke(null);
                return (Boolean) moved.getMethod("isUseONEDNN").invoke(env);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }

        public void setUseMKLDNN(boolean use) {
            try {
                Class<?> moved = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object env = moved.getMethod("getInstance").invoke(null);
                moved.getMethod("setUseONEDNN", boolean.class).invoke(env, use);
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("cannot switch oneDNN: the ND4J CPU backend is not loaded", e);
            }
        }
    }
}
