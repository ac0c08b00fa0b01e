; bootsum.asm - a 512-byte x86 boot sector for tests/integration/qemu_guest.sh.
;
; The BIOS loads it from LBA 0 of the boot disk. It reads CHUNKS * CHUNK
; sectors starting at LBA 1 with int 13h extended read (AH=42h), hashes them
; and prints one line to COM1:
;     SUM xxxxxxxx          the hash, 8 hex digits
;     ERR xx                int 13h failed with status xx (or no extensions: ERR ff)
; then leaves qemu through the isa-debug-exit device (iobase 0xf4): qemu's
; exit status is 33 after SUM, 35 after ERR.
;
; Hash (little-endian 32-bit words w, all arithmetic mod 2^32):
;     h = 0; for each w: h = h * 33 + w
; tests/integration/qemu_guest.sh computes the same over the backing file.
; Assemble: nasm -f bin -o bootsum.img bootsum.asm

bits 16
org 0x7c00

%define CHUNK   64              ; sectors per call: 32 KiB, under the 127-sector limit of some BIOSes
%define CHUNKS  32              ; 32 * 32 KiB = 1 MiB
%define BUF_SEG 0x1000          ; buffer at 0x10000, clear of this sector and the stack
%define EXIT_PORT 0xf4

start:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, 0x7c00
	sti
	cld
	mov [drive], dl

	mov ah, 0x41                ; extensions present?
	mov bx, 0x55aa
	int 0x13
	jc no_ext
	cmp bx, 0xaa55
	jne no_ext

	mov cx, CHUNKS
.chunk:
	push cx
	mov word [dap_count], CHUNK ; the BIOS writes back how many it read
	mov si, dap
	mov dl, [drive]
	mov ah, 0x42
	int 0x13
	jc read_err

	; The hash lives in memory across calls: a BIOS need not keep the
	; upper halves of the 32-bit registers.
	mov ebp, [hash]
	push ds
	mov ax, BUF_SEG
	mov ds, ax
	xor si, si
	mov cx, CHUNK * 512 / 4
.word:
	lodsd
	imul ebp, ebp, 33
	add ebp, eax
	loop .word
	pop ds
	mov [hash], ebp

	add dword [dap_lba], CHUNK
	pop cx
	loop .chunk

	mov si, msg_sum
	call puts
	mov eax, [hash]
	mov cx, 8
	call puthex
	mov al, 0x10                ; qemu exits with (0x10 << 1) | 1 = 33
	jmp finish

no_ext:
	mov ah, 0xff
read_err:                       ; AH = status
	mov si, msg_err
	call puts
	mov al, ah
	shl eax, 24                 ; the status in the top byte for puthex
	mov cx, 2
	call puthex
	mov al, 0x11                ; exit status 35

finish:
	push ax
	mov al, 10
	call putc
	pop ax
	out EXIT_PORT, al
.halt:                          ; without the exit device: stop here
	cli
	hlt
	jmp .halt

; putc: AL to COM1, waiting for the transmit holding register to be empty.
putc:
	push dx
	push ax
	mov dx, 0x3fd
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	pop ax
	mov dx, 0x3f8
	out dx, al
	pop dx
	ret

; puts: the NUL-terminated string at DS:SI.
puts:
	lodsb
	test al, al
	jz .done
	call putc
	jmp puts
.done:
	ret

; puthex: the top CX hex digits of EAX.
puthex:
	rol eax, 4
	push eax
	and al, 0x0f
	add al, '0'
	cmp al, '9'
	jbe .out
	add al, 'a' - '9' - 1
.out:
	call putc
	pop eax
	loop puthex
	ret

msg_sum: db "SUM ", 0
msg_err: db "ERR ", 0

align 4
hash:    dd 0
dap:     db 16, 0               ; disk address packet: size, reserved
dap_count: dw CHUNK
	dw 0, BUF_SEG           ; buffer offset, segment
dap_lba: dd 1, 0                ; first LBA (64 bits)
drive:   db 0

times 510 - ($ - $$) db 0
dw 0xaa55
