# Integration test: guests probe devices of the board that no ADU owns.
# `probe` reads virtio-mmio slot 1 twice (empty: zeros; logged once);
# `pci` reads PCIe ECAM (empty bus: all ones), then the hypervisor's CLINT,
# which is no probe: that stops it.  `steady` keeps counting throughout.
[machine]
cpus = 2
[adu probe]
memory = 8M
image = bareos
bootargs = app=hostile addr=0x10001000 addr2=0x10001ff8
[adu pci]
memory = 8M
image = bareos
bootargs = app=hostile addr=0x30000000 addr2=0x2000000
[adu steady]
memory = 8M
image = bareos
bootargs = app=demo period=100
