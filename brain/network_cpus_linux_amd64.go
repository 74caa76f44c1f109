package brain

const sysGetcpu = 309 // getcpu(2) (not in package syscall for amd64)
