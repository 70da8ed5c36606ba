from wxcc_desk.app import main

main()
