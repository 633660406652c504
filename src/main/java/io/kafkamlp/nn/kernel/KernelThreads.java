package io.kafkamlp.nn.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Helper threads that compute parts of a training step beside the thread that asks for it, so that
 * one model's training step can use more than one core.
 *
 * <p>A thread {@link #bind binds} a set of helpers to itself; from then on the large products
 * {@link MatrixKernels} computes on that thread are cut into chunks of rows, and the large
 * elementwise passes ({@link #forRanges}: the optimizer's update, the gradient's scan) into ranges
 * of indices, which the thread and its helpers claim one at a time until none is left. Each output
 * is still computed by the same code in the same order, whichever thread claims it, so <b>results
 * are bit for bit those of one thread</b>: a model trains to the same bits with any number of
 * helpers. Threads not bound (serving, the gradient check) compute alone, as before.
 *
 * <p>The asking thread never waits for a helper to start: it claims chunks itself, so a helper that
 * is slow to wake (or has no free core) costs nothing but the chunk it may have claimed. Between
 * jobs a helper spins for {@value #SPIN_MICROS} us, then parks until the next. Each job (a shared
 * product or pass) is a small object of its own.
 *
 * <p>Bind, compute and close on one thread.
 */
public final class KernelThreads implements AutoCloseable {

  /** How long an idle helper spins for the next job before it parks. */
  static final long SPIN_MICROS = 50;

  /**
   * Elements below which {@link #forRanges} runs on its own thread: the default model's hidden
   * layers' weights (200,704 and 32,768) are shared, its output layer's and biases are not.
   */
  public static final int MIN_SHARED_ELEMENTS = 1 << 15;

  /** Where {@link #forRanges} cuts: multiples of this many elements (whole vectors). */
  private static final int ELEMENT_ALIGNMENT = 16;

  private static final ThreadLocal<KernelThreads> BOUND = new ThreadLocal<>();

  private final Thread owner;
  private final Helper[] helpers;
  private volatile Job current;
  private volatile boolean closed;
  private long jobsRun;

  private KernelThreads(int threads, String name) {
    this.owner = Thread.currentThread();
    this.helpers = new Helper[threads - 1];
    for (int i = 0; i < helpers.length; i++) {
      helpers[i] = new Helper(name + "-helper-" + (i + 1));
    }
    for (Helper helper : helpers) {
      helper.thread.start();
    }
  }

  /**
   * Starts {@code threads - 1} helper threads, named {@code <name>-helper-<i>}, and binds them to
   * the calling thread.
   *
   * @param threads threads a product may use, the caller included; 1 binds nothing
   * @return the binding, to close on this thread; null if {@code threads} is 1
   * @throws IllegalArgumentException if {@code threads < 1}
   * @throws IllegalStateException if this thread is already bound
   */
  public static KernelThreads bind(int threads, String name) {
    if (threads < 1) {
      throw new IllegalArgumentException("kernel threads must be >= 1, got " + threads);
    }
    if (BOUND.get() != null) {
      throw new IllegalStateException(Thread.currentThread().getName() + " is already bound");
    }
    if (threads == 1) {
      return null;
    }
    KernelThreads bound = new KernelThreads(threads, name);
    BOUND.set(bound);
    return bound;
  }

  /** An elementwise computation over the indices {@code [from, to)}. */
  @FunctionalInterface
  public interface Ranges {
    void compute(int from, int to);
  }

  /**
   * Runs {@code body} over {@code [0, n)}, cut into ranges for the helpers bound to this thread if
   * there are any and {@code n >= }{@link #MIN_SHARED_ELEMENTS}; otherwise {@code body.compute(0,
   * n)} here. When each index's outputs are written only by its own computation, from inputs no
   * index writes, the result is bit for bit that of one call over {@code [0, n)}.
   *
   * @throws IllegalStateException if a range threw (the cause), after all are done
   */
  public static void forRanges(int n, Ranges body) {
    if (!sharesRanges(n)) {
      body.compute(0, n);
      return;
    }
    KernelThreads threads = current();
    int chunks = MatrixKernels.CHUNKS_PER_THREAD * threads.threads();
    threads.run(
        new Job(chunks) {
          @Override
          void compute(int chunk) {
            body.compute(bound(chunk), bound(chunk + 1));
          }

          /** Where chunk {@code k} starts: a multiple of 16 elements, or {@code n}. */
          private int bound(int k) {
            return k == chunks
                ? n
                : (int) ((long) n * k / chunks / ELEMENT_ALIGNMENT * ELEMENT_ALIGNMENT);
          }
        });
  }

  /** Whether {@link #forRanges} over {@code n} elements would share them with helpers. */
  static boolean sharesRanges(int n) {
    return n >= MIN_SHARED_ELEMENTS && current() != null;
  }

  /** The helpers bound to the calling thread, or null. */
  static KernelThreads current() {
    return BOUND.get();
  }

  /** Threads a product uses, the caller included. */
  public int threads() {
    return helpers.length + 1;
  }

  /** Products and elementwise passes shared so far. */
  public long jobsRun() {
    return jobsRun;
  }

  /**
   * Runs every chunk of {@code job}, on this thread and the helpers, and returns when all are done
   * (their writes then visible to this thread).
   *
   * @throws IllegalStateException after all are done, if a chunk threw (the cause)
   */
  void run(Job job) {
    jobsRun++;
    current = job;
    for (Helper helper : helpers) {
      if (helper.parked) {
        LockSupport.unpark(helper.thread);
      }
    }
    job.work();
    job.awaitDone();
    Throwable failure = job.failure;
    if (failure != null) {
      throw new IllegalStateException("a chunk of a kernel job failed", failure);
    }
  }

  /**
   * Unbinds the helpers from this thread and stops them.
   *
   * @throws IllegalStateException if called on another thread than the one bound
   */
  @Override
  public void close() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("close on " + owner.getName() + ", the thread bound");
    }
    BOUND.remove();
    closed = true;
    for (Helper helper : helpers) {
      LockSupport.unpark(helper.thread);
    }
    for (Helper helper : helpers) {
      try {
        helper.thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Work cut into {@link #chunks} independent chunks, each writing outputs no other chunk reads or
   * writes.
   */
  abstract static class Job {
    private final int chunks;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();

    /** The first chunk's failure, if any; the chunk still counts as done, so no thread hangs. */
    private volatile Throwable failure;

    Job(int chunks) {
      this.chunks = chunks;
    }

    /** Computes chunk {@code chunk}, {@code 0 <= chunk < chunks}. */
    abstract void compute(int chunk);

    /** Claims and computes chunks until none is left. */
    final void work() {
      for (int chunk = next.getAndIncrement(); chunk < chunks; chunk = next.getAndIncrement()) {
        try {
          compute(chunk);
        } catch (Throwable t) { // on a helper too: rethrown on the thread that asked
          if (failure == null) {
            failure = t;
          }
        } finally {
          done.incrementAndGet();
        }
      }
    }

    /** Waits until every chunk claimed elsewhere is computed: spinning, then yielding. */
    final void awaitDone() {
      long start = System.nanoTime();
      while (done.get() < chunks) {
        if (System.nanoTime() - start < SPIN_MICROS * 1000) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }
  }

  private final class Helper implements Runnable {
    final Thread thread;
    volatile boolean parked;

    Helper(String name) {
      thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      Job seen = null;
      while (!closed) {
        Job job = current;
        if (job != seen) {
          seen = job;
          job.work();
        } else {
          awaitJob(seen);
        }
      }
    }

    /** Spins for a while for a job other than {@code seen}, then parks until one comes. */
    private void awaitJob(Job seen) {
      long start = System.nanoTime();
      while (current == seen && !closed) {
        if (System.nanoTime() - start < SPIN_MICROS * 1000) {
          Thread.onSpinWait();
        } else {
          parked = true;
          // re-checked after the flag: a job posted before it is seen here, one after it unparks
          if (current == seen && !closed) {
            LockSupport.park(this);
          }
          parked = false;
        }
      }
    }
  }
}
