package io.convoy.worker.gpu;

import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins the task thread's ND4J device to the GPU that Spark assigned to the task
 * ({@code spark.executor.resource.gpu.amount} / {@code spark.task.resource.gpu.amount} with a discovery script),
 * so that several executors, or several task slots of one multi-GPU executor, do not all land on device 0.
 * On the CPU backend, or when Spark assigned no GPU, it does nothing.
 */
public final class DevicePinning {
    private static final Logger log = LoggerFactory.getLogger(DevicePinning.class);

    private DevicePinning() {
    }

    /** The same RDD, with the device pinned in each task before any of its partition is computed. */
    public static <T> JavaRDD<T> pinned(JavaRDD<T> rdd) {
        return rdd.mapPartitions(it -> {
            pinToAssignedGpu();
            return it;
        }, true);
    }

    /** @return the device index used, or -1 when nothing was pinned */
    public static int pinToAssignedGpu() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return -1;
        }
        Map<String, ResourceInformation> resources = task.resourcesJMap();
        ResourceInformation gpu = resources.get("gpu");
        if (gpu == null || gpu.addresses().length == 0) {
            return -1;
        }
        int device = Integer.parseInt(gpu.addresses()[0].trim());
        int devices = Nd4j.getAffinityManager().getNumberOfDevices();
        if (device >= devices) {
            throw new IllegalStateException("Spark assigned GPU " + device + " to task " + task.taskAttemptId()
                    + " but ND4J sees " + devices + " device(s): check the GPU discovery script and CUDA_VISIBLE_DEVICES");
        }
        Nd4j.getAffinityManager().unsafeSetDevice(device);
        log.debug("task {} pinned to GPU {}", task.taskAttemptId(), device);
        return device;
    }
}
