# Integration test of the management plane against a real target: vhd
# drives vh over the board's UART (RT-App in `ctl`, an echo console in
# `echo`).
[machine]
cpus = 2
[adu ctl]
memory = 16M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 work=0 report=200
reserve = 30%
caps = manage, reserve
[adu echo]
memory = 8M
image = bareos
bootargs = app=echo
