# Benchmark (make bench, part 4): vh's own tracing on (trace = on), 1 CPU.
# ADU ctl runs RT-App (1 RT-VCPU, period 10 ms) for the release path,
# decisions and switches; ADU t times trapped UART reads and SBI calls.
# vh logs what each path cost every second.
[machine]
cpus = 1
trace = on
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 work=20 report=100 releases=300 cpu=auto
reserve = 50%
[adu t]
memory = 8M
image = bareos
bootargs = app=uartlat n=1000 op=lsr,sbi,hcall
