# Benchmark (make bench, part 4): trapped UART LSR read, SBI call and vh null
# hypercall round trips from a best-effort BareOS guest.
[machine]
cpus = 1
[adu t]
memory = 8M
image = bareos
bootargs = app=uartlat n=1000 op=lsr,sbi,hcall
