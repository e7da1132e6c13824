# Attachments (附件) of challenges and bids (services/attachments.rs, server/challenges/attachments.rs).

what-attachment = 附件

attachment-no-file = 请选择要上传的文件（表单字段 file）
attachment-empty = 「{ $file }」是空文件
attachment-too-large = 「{ $file }」超过了每个附件 { $max } MB 的大小上限
attachment-type-refused = 「{ $file }」不能作为附件上传：只接受 PDF、Word（.doc、.docx）、Excel（.xls、.xlsx）和 PowerPoint（.ppt、.pptx）文件
attachment-content-refused = 「{ $file }」的内容不是 PDF 或 Office 文档，不能作为附件上传：只接受 PDF、Word（.doc、.docx）、Excel（.xls、.xlsx）和 PowerPoint（.ppt、.pptx）文件
attachment-extension-mismatch = 「{ $file }」的扩展名与内容不符：内容是 { $detected } 文件，请使用相应的扩展名
attachment-archive-refused = 「{ $file }」解压后过大或压缩比异常（解压后合计不得超过 { $max } MB，任一部件的压缩比不得超过 { $ratio } 倍），已拒收
attachment-too-many = 最多可上传 { $max } 个附件，请先删除不再需要的附件
attachment-challenge-forbidden = 只有发榜单位和科技局可以增删榜单附件
attachment-challenge-locked = 榜单提交审核并发布后，发榜单位不能再增删附件；如需补充请联系科技局
attachment-bid-forbidden = 只有揭榜单位可以增删申报附件
attachment-bid-locked = 申报提交后不能再增删附件；退回补正时可以修改
